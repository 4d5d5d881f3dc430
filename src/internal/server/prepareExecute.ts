/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (clientSession.ts) */
/**
 * Statement messages of the server session: SQ_PREPARE (with its SQ_DESCRIBE), SQ_ID, SQ_BIND (with its blob
 * stream), SQ_EXECUTE, SQ_RELEASE, transactions and savepoints, generated keys, and the injected SQL stalls.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { BindValue, ServerMessage } from "../protocol/messages.ts"
import type { BatchState, Session } from "./clientSession.ts"
import { describeBody } from "./describe.ts"
import type {
  ColumnDescription,
  EngineError,
  EngineSession,
  ExecResult,
  InstanceStatement,
  Prepared,
  Value
} from "./engine/api.ts"
import { isEngineError } from "./engine/api.ts"
import { takeInjectedError } from "./faults.ts"
import type { CursorState } from "./fetchScroll.ts"
import type { OpenDatabase } from "./login.ts"
import type { ReplayResult } from "./replay.ts"
import { decodeBindParams } from "./rowCodec.ts"
import {
  BatchFailure,
  cost,
  done,
  err,
  fromEngine,
  implicitBegin,
  SQL_BAD_STATEMENT_ID,
  SQL_NOT_FOUND,
  SQL_WRONG_PARAM_COUNT,
  xactStat
} from "./sessionReplies.ts"
import { parseSleep, secondsFromValue } from "./sqlStall.ts"
import type { SleepCall } from "./sqlStall.ts"

/** Statement types used by the layer itself (sqlstype.h, SQLI.md §8.4). */
export const STMT_SELECT = 2
const STMT_EXECUTE_PROCEDURE = 56

/** The one column and row of `EXECUTE FUNCTION sysproc_sleep(n)`. */
const SLEEP_RESULT: ColumnDescription = {
  name: "(expression)",
  columnType: 2,
  extendedId: 0,
  extendedName: "",
  encodedLength: 4
}
export const SLEEP_ROW = new Uint8Array(4)

type StatementKind =
  | { readonly _tag: "Engine"; readonly prepared: Prepared }
  | { readonly _tag: "Instance"; readonly statement: InstanceStatement }
  | { readonly _tag: "Sleep"; readonly call: SleepCall }
  | { readonly _tag: "Replay"; readonly result: ReplayResult }

export interface Statement {
  readonly id: number
  readonly kind: StatementKind
  readonly sql: string
  readonly statementType: number
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  generatedKeys: boolean
  bind: ReadonlyArray<Value> | undefined
  cursor: CursorState | undefined
  /**
   * Who closed this statement's cursor without the client's CLOSE (until it is opened again): the end of a
   * transaction, or the last fetch under OPTOFC (`server`).
   */
  closedBy: "commit" | "rollback" | "server" | undefined
}

/**
 * The name of the table's serial column, for the generated-key describe (JDBC's `getGeneratedKeys().getString("id")`
 * looks it up by name). Read from the catalog the engine keeps; "serial" etc. when the table cannot be resolved.
 */
const serialColumnName = (
  engine: EngineSession,
  sql: string,
  kind: "serial" | "serial8" | "bigserial"
): string => {
  const fallback = kind
  const table = /^\s*insert\s+into\s+(?:[\w$]+\s*\.\s*)?"?([\w$]+)"?/i.exec(sql)?.[1]
  if (table === undefined) return fallback
  const code = kind === "serial" ? 6 : kind === "serial8" ? 18 : 53
  const lookup = engine.prepare(
    "SELECT c.colname, c.coltype FROM systables t, syscolumns c WHERE t.tabname = ? AND c.tabid = t.tabid"
  )
  if (isEngineError(lookup)) return fallback
  const cursor = engine.openCursor(lookup, [table.toLowerCase()])
  if (isEngineError(cursor)) return fallback
  const rows = cursor.next(1000)
  cursor.close()
  if (isEngineError(rows)) return fallback
  for (const [name, type] of rows) {
    if (typeof name === "string" && typeof type === "number" && (type & 0xff) === code) return name.trim()
  }
  return fallback
}

/**
 * SGKDESCRIBE + SGKTUPLE for an INSERT into a table with a serial column (SQLI.md §7.25), shaped like the replies
 * JDBC 15 accepted (golden/jdbc-prep-30, -31, -33): the describe body has statement type 2 (a result description),
 * one field named after the serial column with its plain type code (no NOT NULL flag), and one key row.
 */
const generatedKeys = (
  stmt: Statement,
  kind: "serial" | "serial8" | "bigserial",
  name: string,
  result: ExecResult
): Array<ServerMessage> => {
  const column = kind === "serial"
    ? { name, columnType: 6, extendedId: 0, extendedName: "", encodedLength: 4 }
    : kind === "serial8"
    ? { name, columnType: 18, extendedId: 0, extendedName: "", encodedLength: 10 }
    : { name, columnType: 53, extendedId: 0, extendedName: "", encodedLength: 8 }
  const payload = new Uint8Array(column.encodedLength)
  const view = new DataView(payload.buffer)
  if (kind === "serial") {
    view.setInt32(0, result.serial)
  } else if (kind === "serial8") {
    // INT8 row form: i16 sign, u32 low word, u32 high word (VALUES.md, INT8).
    const v = result.serial8 ?? 0n
    const abs = v < 0n ? -v : v
    view.setInt16(0, v === 0n ? 0 : v < 0n ? -1 : 1)
    view.setUint32(2, Number(abs & 0xffffffffn))
    view.setUint32(6, Number((abs >> 32n) & 0xffffffffn))
  } else {
    view.setBigInt64(0, result.bigserial ?? 0n)
  }
  return [
    { _tag: "SgkDescribe", ...describeBody(STMT_SELECT, stmt.id, [column]) },
    { _tag: "SgkTuple", warnings: 0, payload }
  ]
}

/** Replay lookups ignore surrounding blanks and a trailing semicolon (JDBC's executeBatch appends one). */
export const normaliseSql = (sql: string): string => sql.trim().replace(/;\s*$/, "").trim()

export function transaction(
  this: Session,
  kind: "begin" | "commit" | "rollback",
  state: BatchState
): Effect.Effect<void, BatchFailure> {
  const db = this.requireDb()
  if (db instanceof BatchFailure) return Effect.fail(db)
  const result = kind === "begin" ? db.engine.begin() : kind === "commit" ? db.engine.commit() : db.engine.rollback()
  if (result !== undefined) return Effect.fail(new BatchFailure(fromEngine(result)))
  if (kind !== "begin") this.closeCursorsAtEnd(kind)
  if (db.logged) state.out.push(xactStat(kind))
  return Effect.void
}

export function savepoint(
  this: Session,
  run: (db: EngineSession) => EngineError | undefined
): Effect.Effect<void, BatchFailure> {
  const db = this.requireDb()
  if (db instanceof BatchFailure) return Effect.fail(db)
  const result = run(db.engine)
  return result === undefined ? Effect.void : Effect.fail(new BatchFailure(fromEngine(result)))
}

// -------------------------------------------------------------------------------------------------------------
// Statements
// -------------------------------------------------------------------------------------------------------------

export function prepare(
  this: Session,
  sqlBytes: Uint8Array,
  isCommand: boolean,
  state: BatchState
): Effect.Effect<void, BatchFailure> {
  // nmap counts a trailing NUL inside the SQL length (SQLI.md §7.1): strip one.
  const bytes = sqlBytes.length > 0 && sqlBytes[sqlBytes.length - 1] === 0 ? sqlBytes.subarray(0, -1) : sqlBytes
  const sql = this.charset.decode(bytes)
  // Statements on the instance need no open database (instanceStatements.ts).
  const instance = this.ctx.engine.instanceStatement(sql, this.ctx.config.serverName)
  if (instance !== undefined) {
    if (isEngineError(instance)) return Effect.fail(new BatchFailure(fromEngine(instance)))
    this.addStatement({ _tag: "Instance", statement: instance }, sql, instance.statementType, [], 0, isCommand, state)
    return Effect.void
  }
  const db = this.requireDb()
  if (db instanceof BatchFailure) return Effect.fail(db)
  const injected = this.injectedFailure("prepare")
  if (injected !== undefined) return Effect.fail(injected)
  let kind: StatementKind
  let statementType: number
  let columns: ReadonlyArray<ColumnDescription>
  let paramCount: number
  const sleep = this.ctx.config.sqlSleep ? parseSleep(sql) : undefined
  const replay = this.ctx.replay.get(normaliseSql(sql))
  if (sleep !== undefined) {
    kind = { _tag: "Sleep", call: sleep }
    statementType = STMT_EXECUTE_PROCEDURE
    columns = sleep.returnsRow ? [SLEEP_RESULT] : []
    paramCount = sleep.seconds === "parameter" ? 1 : 0
  } else if (replay !== undefined) {
    kind = { _tag: "Replay", result: replay }
    statementType = STMT_SELECT
    columns = replay.columns
    paramCount = 0
  } else {
    // Reading the catalog can meet another session's lock (a table its open transaction created): wait for it
    // like any statement, up to the session's lock wait.
    return Effect.map(
      this.withLockWait(db, () => db.engine.prepare(sql)),
      (prepared) =>
        this.addStatement(
          { _tag: "Engine", prepared },
          sql,
          prepared.statementType,
          prepared.columns,
          prepared.paramCount,
          isCommand,
          state
        )
    )
  }
  this.addStatement(kind, sql, statementType, columns, paramCount, isCommand, state)
  return Effect.void
}

export function addStatement(
  this: Session,
  kind: StatementKind,
  sql: string,
  statementType: number,
  columns: ReadonlyArray<ColumnDescription>,
  paramCount: number,
  isCommand: boolean,
  state: BatchState
): void {
  const id = this.lowestFreeId()
  const stmt: Statement = {
    id,
    kind,
    sql,
    statementType,
    columns,
    paramCount,
    generatedKeys: false,
    bind: undefined,
    cursor: undefined,
    closedBy: undefined
  }
  this.statements.set(id, stmt)
  this.current = stmt
  if (isCommand) state.commandStatements.push(id)
}

export function lowestFreeId(this: Session): number {
  let id = 0
  while (this.statements.has(id)) id++
  return id
}

export function release(this: Session, stmt: Statement): void {
  this.closeCursor(stmt)
  this.statements.delete(stmt.id)
  if (this.current === stmt) this.current = undefined
}

/** Converts the batch's SQ_BIND (plus its blob stream) into engine values on the bound statement. */
export function consumeBind(this: Session, state: BatchState): Effect.Effect<void, BatchFailure> {
  const raw = state.rawBind
  const target = state.bindTarget
  state.rawBind = undefined
  state.bindTarget = undefined
  if (raw === undefined || target === undefined) return Effect.void
  let blobIndex = 0
  const params: Array<BindValue> = []
  for (const p of raw) {
    const code = p.type & 0xff
    const blob = (code === 11 || code === 12) && p.indicator !== -1 ? state.blobs[blobIndex++] : undefined
    params.push(blob === undefined ? p : { ...p, blob })
  }
  if (
    target.paramCount !== params.length &&
    !(target.kind._tag === "Engine" && target.paramCount === 0 && params.length === 0)
  ) {
    return Effect.fail(new BatchFailure(err(SQL_WRONG_PARAM_COUNT)))
  }
  const values = decodeBindParams(params, this.charset)
  if (isEngineError(values)) return Effect.fail(new BatchFailure(fromEngine(values)))
  target.bind = values
  return Effect.void
}

export function currentOrFail(this: Session): Statement | BatchFailure {
  return this.current ?? new BatchFailure(err(SQL_BAD_STATEMENT_ID))
}

/** The SQ_ERR the fault harness injects at this step, if one is pending. */
export function injectedFailure(this: Session, step: "prepare" | "execute" | "fetch"): BatchFailure | undefined {
  const injected = takeInjectedError(this.ctx.faults, step)
  return injected === undefined
    ? undefined
    : new BatchFailure(err(injected.sqlcode, injected.isamCode ?? 0, injected.parameter ?? ""))
}

/** What EXECUTE and OPEN check first, in this order: a current statement, a database, the bind, injected faults. */
export function startRun(
  this: Session,
  state: BatchState
): Effect.Effect<{ readonly stmt: Statement; readonly db: OpenDatabase }, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const stmt = this.currentOrFail()
    if (stmt instanceof BatchFailure) return yield* Effect.fail(stmt)
    const db = this.requireDb()
    if (db instanceof BatchFailure) return yield* Effect.fail(db)
    yield* this.consumeBind(state)
    const injected = this.injectedFailure("execute")
    if (injected !== undefined) return yield* Effect.fail(injected)
    return { stmt, db }
  })
}

export function execute(this: Session, state: BatchState): Effect.Effect<void, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const instance = this.current?.kind
    if (instance?._tag === "Instance") {
      yield* this.consumeBind(state)
      state.out.push(yield* this.runInstance(instance.statement), cost())
      state.keep = state.out.length
      return undefined
    }
    const { db, stmt } = yield* this.startRun(state)
    const params = stmt.bind ?? []
    const out = state.out
    switch (stmt.kind._tag) {
      case "Sleep": {
        yield* this.sleepFor(stmt.kind.call, params)
        out.push(done(0, 0), cost())
        break
      }
      case "Replay":
      case "Instance": {
        out.push(done(0, 0), cost())
        break
      }
      case "Engine": {
        const prepared = stmt.kind.prepared
        const wasOpen = db.engine.inTransaction
        const result = yield* this.withLockWait(db, () => db.engine.execute(prepared, params))
        if (result.serial8 !== undefined || result.bigserial !== undefined) {
          out.push({
            _tag: "InsertDone",
            serial8: result.serial8 ?? null,
            bigserial: result.bigserial ?? 0n
          })
        }
        const changed = result.transactionChanged
        if (changed === "commit" || changed === "rollback") this.closeCursorsAtEnd(changed)
        if (changed !== undefined && db.logged) out.push(xactStat(changed))
        else implicitBegin(db, wasOpen, out)
        if (stmt.generatedKeys && prepared.insertsSerial !== undefined && result.rowsAffected > 0) {
          const column = serialColumnName(db.engine, stmt.sql, prepared.insertsSerial)
          out.push(...generatedKeys(stmt, prepared.insertsSerial, column, result))
        }
        out.push(done(result.rowsAffected, result.serial), cost())
        if (result.notFound === true) {
          // ANSI database, no row touched: SQLCODE 100 NOT FOUND, carried as SQ_ERR(100) (SQLI.md §9.1). Like any
          // SQ_ERR it ends the batch; the DONE/COST before it keep the zero count. Unverified shape (no capture).
          state.keep = out.length
          // JDBC reads SQLCODE 100 in the standard layout, as a "no data" warning (IfxSqli.receiveError).
          return yield* Effect.fail(new BatchFailure(err(SQL_NOT_FOUND)))
        }
        break
      }
    }
    state.keep = out.length
    return undefined
  })
}

/** The SQL-level stall: an interruptible timer (sqlStall.ts). */
export function sleepFor(
  this: Session,
  call: SleepCall,
  params: ReadonlyArray<Value>
): Effect.Effect<void, BatchFailure> {
  const seconds = call.seconds === "parameter" ? secondsFromValue(params[0]) : call.seconds
  if (seconds === undefined) return Effect.fail(new BatchFailure(err(-1213)))
  return Effect.sleep(Math.max(0, seconds) * 1000)
}

/** Runs an engine call, retrying lock conflicts asynchronously until the session's lock-wait deadline. */
export function withLockWait<A>(
  this: Session,
  db: OpenDatabase,
  call: () => A | EngineError
): Effect.Effect<A, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const started = yield* Clock.currentTimeMillis
    while (true) {
      const result = call()
      if (!isEngineError(result)) return result
      if (result.lockConflict !== true) return yield* Effect.fail(new BatchFailure(fromEngine(result)))
      const wait = db.engine.lockWaitSeconds
      const now = yield* Clock.currentTimeMillis
      if (wait === 0 || (wait > 0 && now - started >= wait * 1000)) {
        return yield* Effect.fail(new BatchFailure(fromEngine(result)))
      }
      yield* Effect.sleep(20)
    }
  })
}
