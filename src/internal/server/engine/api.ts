/**
 * The SQL engine's contract with the session layer (src/internal/server/session code and src/TestServer.ts).
 *
 * The engine is synchronous and knows nothing about the wire: the session layer prepares statements, binds values
 * of the driver's value model and turns the results into SQLI messages. Everything that can fail returns an
 * `EngineError` value instead of throwing, so a reply group can end in `SQ_ERR` without try/catch in the caller.
 */
import * as Predicate from "effect/Predicate"
import type { CompositeType } from "../../values/collections.ts"
import type { Value } from "./values.ts"

export type { Value }

/** How to open the engine: one SQLite file per Informix database under `directory`, or in a private temp directory. */
export interface EngineOptions {
  /** `undefined` = throwaway databases in a private temporary directory, removed when the engine closes. */
  readonly directory?: string | undefined
  readonly databases: ReadonlyArray<{
    readonly name: string
    readonly logged?: boolean
    readonly ansi?: boolean
    /** The database locale (default en_US.8859-1); its ' GL_COLLATE' / ' GL_CTYPE' site names the code-set number. */
    readonly locale?: string | undefined
  }>
  /** Site of databases without a locale (default en_US.819, what JDBC 15 accepts). */
  readonly locale?: string | undefined
  /** Version string for DBINFO('version', ...) (default "15.0.1.0.3", the golden responder's). */
  readonly serverVersion?: string | undefined
  /** Host name for DBINFO('dbhostname') (default "localhost"). */
  readonly hostName?: string | undefined
  /** DBSERVERNAME: the only server a `db@server:table` name may name (default "ol_test"). */
  readonly serverName?: string | undefined
  /**
   * The user who creates the declared databases, and so is their DBA (default `informix`; the TestServer passes its
   * first user, so a server configured with one application user lets it load its schema).
   */
  readonly owner?: string | undefined
}

/** One result column or input parameter as SQ_DESCRIBE / SQ_IDESCRIBE carry it (SQLI.md §7.11, VALUES.md §2–§5). */
export interface ColumnDescription {
  readonly name: string
  /** Informix type code, `| 0x0100` when the column is NOT NULL (SERIALs included). */
  readonly columnType: number
  /** 0 for built-in types; 1 lvarchar, 5 boolean, 10 blob, 11 clob (VALUES.md §4). */
  readonly extendedId: number
  /** "" for built-in types; "lvarchar", "boolean", "blob", "clob". */
  readonly extendedName: string
  /** collen encoding of VALUES.md §5. */
  readonly encodedLength: number
  /** DISTINCT types: the base type's extended id (0 for a built-in base), sent as the describe's sourceType. */
  readonly sourceType?: number
  /** Named ROW columns: the fields (their extended name is the type's name, not its text). */
  readonly complexType?: CompositeType
}

/** An SQL error as the server reports it in SQ_ERR (SQLI.md §7.13, §9.1). */
export interface EngineError {
  readonly _tag: "EngineError"
  readonly sqlcode: number
  readonly isamCode: number
  /** Position in the statement text (0-based character offset; 0 when not tied to a token). */
  readonly offset: number
  /** The message parameter (`%s`): table, column, constraint or the token near a syntax error. */
  readonly parameter: string
  /** A lock conflict: the caller may retry the same call until its lock-wait deadline (`lockWaitSeconds`). */
  readonly lockConflict?: boolean
}

/** What PREPARE learns (SQ_DESCRIBE). */
export interface Prepared {
  /** sqlstype of SQLI.md §8.4 (2 SELECT, 4 UPDATE, 5 DELETE, 6 INSERT, 14 CREATE TABLE, 34 BEGIN WORK, ...). */
  readonly statementType: number
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  /** Best-effort parameter types for SQ_IDESCRIBE (columns the '?' is compared with or inserted into). */
  readonly paramTypes: ReadonlyArray<ColumnDescription>
  /** Set for INSERTs into a table with such a column: the session layer then sends SQ_INSERTDONE / DONE.serial. */
  readonly insertsSerial: "serial" | "serial8" | "bigserial" | undefined
  /** The statement text as prepared. */
  readonly sql: string
}

/** What EXECUTE reports (SQ_DONE, SQ_INSERTDONE, SQ_XACTSTAT). */
export interface ExecResult {
  readonly rowsAffected: number
  /** Generated SERIAL of the last inserted row (SQ_DONE.serial), else 0. */
  readonly serial: number
  readonly serial8?: bigint
  readonly bigserial?: bigint
  readonly transactionChanged?: "begin" | "commit" | "rollback"
  /**
   * ANSI databases only: an UPDATE, DELETE or INSERT ... SELECT that touched no row. IBM: such statements set
   * SQLCODE 100 (NOT FOUND) in an ANSI-compliant database; SQLI carries it as SQ_ERR(100) (SQLI.md §9.1).
   */
  readonly notFound?: boolean
}

/** An open cursor. Rows are produced in chunks so the session layer can honour interrupts between chunks. */
export interface EngineCursor {
  readonly columns: ReadonlyArray<ColumnDescription>
  /**
   * Up to `maxRows` further rows; `[]` once the result is exhausted. An EngineError here (a lock conflict met
   * while stepping, a conversion error) closes the cursor; lock conflicts are normally met at `openCursor`, which
   * steps to the first row for that reason and can be retried.
   */
  next(maxRows: number): Array<Array<Value>> | EngineError
  /** Rows handed out so far by `next` (the final SQ_DONE's row count). */
  readonly rowsFetched: number
  /** Scroll cursors only (`openCursor(..., { scroll: true })`): the materialised row count. */
  readonly count?: number
  /** Scroll cursors only: row `index` (0-based) or undefined outside the result. */
  row?(index: number): Array<Value> | undefined
  close(): void
}

/** One client session: one SQLite connection, its temp tables, its transaction and its lock-wait mode. */
/**
 * The fast-path handle of an SPL routine (IBM JDBC's CallableStatement calls routines with OUT parameters through
 * SQ_GETROUTINE / SQ_EXFPROUTINE by handle): this base plus its procid, above the smart-LOB routines' handles.
 */
export const ROUTINE_HANDLE_BASE = 100000

/** An SPL routine as the fast path describes it: parameters with their modes (0 IN, 1 OUT, 2 INOUT), result types. */
export interface FastPathRoutine {
  readonly procid: number
  readonly params: ReadonlyArray<{ readonly column: ColumnDescription; readonly mode: number }>
  readonly returning: ReadonlyArray<ColumnDescription>
}

export interface EngineSession {
  readonly database: string
  readonly user: string
  /** An SPL routine by procid, or by name and argument count, for the fast path (spl/routines.ts). */
  fastPathRoutine(routine: number | { readonly name: string; readonly numargs: number }): FastPathRoutine | undefined
  /** Runs an SPL routine called by the fast path: its OUT / INOUT values (in order) and its first returned row. */
  callFastPath(
    procid: number,
    args: ReadonlyArray<Value>
  ): { readonly outs: ReadonlyArray<Value>; readonly returns: ReadonlyArray<Value> } | EngineError
  prepare(sql: string): Prepared | EngineError
  /** Runs a non-SELECT statement (a SELECT runs and discards its rows; SELECT ... INTO TEMP creates the table). */
  execute(prepared: Prepared, params: ReadonlyArray<Value>): ExecResult | EngineError
  openCursor(
    prepared: Prepared,
    params: ReadonlyArray<Value>,
    options?: { readonly scroll?: boolean }
  ): EngineCursor | EngineError
  begin(): EngineError | undefined
  commit(): EngineError | undefined
  rollback(): EngineError | undefined
  savepoint(name: string): EngineError | undefined
  rollbackToSavepoint(name: string): EngineError | undefined
  releaseSavepoint(name: string): EngineError | undefined
  readonly inTransaction: boolean
  /** From SET LOCK MODE: 0 = NOT WAIT (default), -1 = WAIT forever, n = WAIT n seconds. */
  readonly lockWaitSeconds: number
  /** From SET ISOLATION / SET TRANSACTION: "dirty read" | "committed read" | "cursor stability" | "repeatable read". */
  readonly isolation: string
  /** Rolls back an open transaction and closes the SQLite connection. */
  close(): void
  /** The CDC session `fd` this session opened with cdc_opensess (changeCapture.ts), else undefined. */
  captureReader(fd: number): CaptureReader | undefined
  /** The push-data session `fd` this session opened or joined with task('pushdata open' / 'join'), else undefined. */
  pushReader(fd: number): PushReader | undefined
}

/** A captured column: its description and its type as a CDC TABSCHEMA record spells it (`varchar(20,0)`). */
export interface CaptureColumn extends ColumnDescription {
  readonly typeText: string
}

/** One record of a CDC session, for the session layer to encode (IBM CDC API record types). */
export type CaptureRecord =
  | { readonly kind: "tabschema"; readonly label: number; readonly columns: ReadonlyArray<CaptureColumn> }
  | { readonly kind: "begin" | "commit"; readonly seq: bigint; readonly txid: number; readonly time: number }
  | {
    readonly kind: "row"
    /** 40 insert, 41 delete, 42 before update, 43 after update. */
    readonly op: number
    readonly seq: bigint
    readonly txid: number
    readonly label: number
    readonly columns: ReadonlyArray<CaptureColumn>
    readonly values: ReadonlyArray<Value>
  }

/** A CDC session as the smart-LO reads of its fd see it. */
export interface CaptureReader {
  /**
   * The next record, left in place until `delivered()` (a read too small for it loses nothing); undefined when none
   * has committed yet (wait with `onChange`, up to `timeoutSeconds`).
   */
  next(): CaptureRecord | EngineError | undefined
  /** The record `next()` returned has been sent. */
  delivered(): void
  /** cdc_opensess's timeout: an idle read answers a TIMEOUT record after this many seconds. */
  readonly timeoutSeconds: number
  /** cdc_opensess's max_records: how many records one read may return. */
  readonly maxRecords: number
  /** The sequence number of the last record handed out (a TIMEOUT record carries it). */
  readonly lastSequence: bigint
  /** Calls `listener` whenever a transaction with captured changes commits; returns its remover. */
  onChange(listener: () => void): () => void
}

/** A push session's fd as the SQ_LODATA reads see it (pushFeed.ts; engine/pushData.ts). */
export interface PushReader {
  /** The next document (left in place until `delivered()`), undefined when none is queued. */
  next(): string | undefined
  delivered(): void
  /** The register's `timeout`: an idle read answers `{"ifx_isTimeout":"true"}` after this many seconds. */
  readonly timeoutSeconds: number
  /** Calls `listener` whenever a document is queued; returns its remover. */
  onChange(listener: () => void): () => void
}

/**
 * A statement on the instance rather than on the open database (instance.ts parses it; the session layer runs it,
 * since it opens and closes the session's database): CREATE DATABASE (sqlstype 12), DROP DATABASE (13),
 * DATABASE (1), CLOSE DATABASE (31).
 */
export type InstanceStatement =
  | {
    readonly kind: "createDatabase"
    readonly statementType: 12
    readonly name: string
    readonly ifNotExists: boolean
    readonly logged: boolean
    readonly buffered: boolean
    readonly ansi: boolean
  }
  | { readonly kind: "dropDatabase"; readonly statementType: 13; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: "database"; readonly statementType: 1; readonly name: string; readonly exclusive: boolean }
  | { readonly kind: "closeDatabase"; readonly statementType: 31 }

/** Type guard for results of engine calls. */
export const isEngineError = (u: unknown): u is EngineError => Predicate.isTagged(u, "EngineError")
