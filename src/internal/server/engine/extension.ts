/**
 * Statements planned outside statement.ts (sequences, synonyms, privileges, RENAME, TRUNCATE, ALTER TABLE beyond
 * ADD, MERGE, CREATE TABLE ... AS SELECT): each planner returns an "extension" plan that carries its own runner,
 * executed by the session through the small ExtensionHost interface below.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite"
import type { EngineError, ExecResult } from "./api.ts"
import { nextTabid, registerTable, type TableInfo } from "./catalog.ts"
import type { Token } from "./tokenizer.ts"
import { isPunct, isWord } from "./tokenScan.ts"
import { type TranslateContext, type TranslateError, translateError } from "./translate.ts"
import type { IfxType } from "./types.ts"

/** What an extension statement may use of its session. */
export interface ExtensionHost {
  readonly db: DatabaseSync
  readonly user: string
  readonly database: string
  readonly ansi: boolean
  /** The database file: the key of state shared by the sessions of one database (sequence counters). */
  readonly location: string
  /** The session's role (SET ROLE), if any. */
  role: string | undefined
  table(name: string): TableInfo | undefined
  today(): number
  /** Runs DDL in a savepoint: all of it or nothing. */
  inStatementSavepoint<A>(body: () => A): A
  /** The permanent catalog changed: forget cached table entries. */
  catalogChanged(): void
  /** Replaces (or, with `undefined`, forgets) a session temp table's entry. */
  setTemp(name: string, table: TableInfo | undefined): void
  /** Runs a planned SELECT/DML text of this session (MERGE, CREATE TABLE AS SELECT). */
  run(sql: string, values: ReadonlyArray<SQLInputValue>): { readonly changes: number }
  /** Records the rows the statement touched (DBINFO('sqlca.sqlerrd2')). */
  setRowCount(rows: number): void
  /**
   * Runs one write of the statement with the table's Informix triggers for that event around it (spl/triggers.ts;
   * `set`: the upper-case columns an UPDATE assigns, for UPDATE OF triggers).
   */
  withTriggers(
    verb: "insert" | "update" | "delete",
    table: TableInfo,
    set: ReadonlySet<string>,
    run: () => ExecResult
  ): ExecResult | EngineError
}

export interface ExtensionPlan {
  readonly kind: "extension"
  readonly statementType: number
  /** What the statement writes (the session layer opens its transaction accordingly). */
  readonly writes: "permanent" | "temp" | "none"
  /** Permanent tables it changes (held until the end of the transaction, locks.ts). */
  readonly tables: ReadonlyArray<string>
  /** Parameter count and types (statements with `?`: MERGE). */
  readonly paramCount?: number
  readonly params?: ReadonlyArray<IfxType | undefined>
  readonly run: (host: ExtensionHost, values: ReadonlyArray<SQLInputValue>) => ExecResult | EngineError
}

export type ExtensionPlanner = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
) => ExtensionPlan | TranslateError | undefined

export const ok: ExecResult = { rowsAffected: 0, serial: 0 }

/** `IF EXISTS` / `IF NOT EXISTS` at tokens[i]. */
export const ifExistsClause = (
  tokens: ReadonlyArray<Token>,
  i: number
): { readonly present: boolean; readonly next: number } => {
  if (!isWord(tokens[i], "IF")) return { present: false, next: i }
  if (isWord(tokens[i + 1], "EXISTS")) return { present: true, next: i + 2 }
  if (isWord(tokens[i + 1], "NOT") && isWord(tokens[i + 2], "EXISTS")) return { present: true, next: i + 3 }
  return { present: false, next: i }
}

/** An identifier, optionally `owner.`-qualified (the owner is ignored: one owner namespace per database here). */
export const qualifiedName = (
  tokens: ReadonlyArray<Token>,
  i: number
): { readonly name: Token; readonly next: number } | undefined => {
  const first = tokens[i]
  if (first?.kind !== "ident") return undefined
  if (isPunct(tokens[i + 1], ".") && tokens[i + 2]?.kind === "ident") return { name: tokens[i + 2]!, next: i + 3 }
  return { name: first, next: i + 1 }
}

/** `RENAME <what> [owner.]old TO new` from tokens[2]: the two names, or the -201 of the first bad token. */
export const renameNames = (
  tokens: ReadonlyArray<Token>,
  end: number
): { readonly from: Token; readonly to: Token } | TranslateError => {
  const from = qualifiedName(tokens, 2)
  const to = from === undefined ? undefined : tokens[from.next + 1]
  if (from === undefined || !isWord(tokens[from.next], "TO") || to?.kind !== "ident" || from.next + 2 < end) {
    return translateError(-201, tokens[(from?.next ?? 2) + 2]?.offset ?? tokens[1]?.offset ?? 0)
  }
  return { from: from.name, to }
}

/** A systables row without columns (a sequence 'Q', a synonym 'S' / 'P') owned by the session's user: its tabid. */
export const registerObject = (host: ExtensionHost, name: string, tabtype: string): number => {
  const tabid = nextTabid(host.db)
  registerTable(
    host.db,
    { name, tabid, temp: false, columns: [], uniques: [] },
    host.user,
    host.database,
    host.today(),
    tabtype
  )
  return tabid
}
