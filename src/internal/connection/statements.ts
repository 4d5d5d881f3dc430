/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Statements on a connection: PREPARE (cached per SQL text) and its description, EXECUTE with or without
 * parameters, release of statements no caller owns, `query` / `values` / `execute` and the public `prepare`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Connection from "../../Connection.ts"
import {
  type InformixError,
  ParameterError,
  ResultDecodeError,
  type SqlError,
  StatementReleasedError
} from "../../InformixError.ts"
import type { Value } from "../../InformixValue.ts"
import type * as M from "../protocol/messages.ts"
import { StatementType } from "../protocol/opcodes.ts"
import { encodeBind } from "../values/bindValues.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { makeRowDecoder, type RowDecoder } from "./codecView.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import type { OwnedQuery } from "./cursorStreams.ts"
import { TYPE_BYTE, TYPE_TEXT } from "./largeObjects.ts"
import { Permit, releaseAll } from "./permit.ts"
import { bindMessages, EXECUTE, id, NDESCRIBE, RELEASE, WANTDONE } from "./prebuiltMessages.ts"
import { columnKeys, executeResult, replyHasError, toObjects } from "./results.ts"
import { type SessionSetting, sessionSettingOf } from "./sessionSettings.ts"
import { noTimeout, type StatementContext } from "./statementContext.ts"
import type { Incoming } from "./wireSession.ts"

/** A prepared statement as the connection tracks it. */
export interface Prepared {
  readonly sql: string
  readonly id: number
  readonly statementType: number
  readonly columns: ReadonlyArray<Connection.Column>
  readonly keys: ReadonlyArray<string>
  readonly rows: RowDecoder | undefined
  readonly returnsRows: boolean
  /** Column indexes of BYTE/TEXT columns (their content is fetched with SQ_FETCHBLOB). */
  readonly blobColumns: ReadonlyArray<number>
  /** NFETCH byte budget for this result: the configured size, widened for wide rows (see `fetchBufferFor`). */
  readonly fetchBuffer: number
  /** Session state running it may change (see sessionSettings.ts). */
  readonly sessionSetting: SessionSetting | undefined
  inUse: boolean
  released: boolean
  /** `ID CLOSE EOT` for this statement, encoded once (`closeExhausted` sends it after nearly every query). */
  closeBatch?: Uint8Array
  /** The name of the cursor `collect` opens on this statement (cursorStreams.ts `cursorNameOf`). */
  cursorName?: string
  /** `collect`'s request without parameters, encoded once (cursorStreams.ts `openRequest`). */
  openBatch?: Uint8Array
}

/**
 * The NFETCH buffer for rows of `tupleSize` bytes. IBM JDBC 15 asks for 4096 bytes for rows up to 2048 bytes, 8192 up
 * to 4096 and the row size above that (captured by the conformance proxy; docs/protocol-evidence.md), so a fetch never
 * carries fewer than two rows of moderate width; a larger configured size wins.
 */
export const fetchBufferFor = (tupleSize: number, configured: number): number =>
  Math.max(configured, tupleSize <= 2048 ? 4096 : tupleSize <= 4096 ? 8192 : tupleSize)

/** Codes that mean a cached statement is no longer valid on the server (table altered, id unknown or released). */
export const STALE_STATEMENT_CODES: ReadonlySet<number> = new Set([-710, -258, -267])

const isStale = (error: InformixError): error is SqlError =>
  error._tag === "SqlError" && STALE_STATEMENT_CODES.has(error.sqlcode)

const NO_BINDS: Effect.Effect<ReadonlyArray<M.BindValue>> = Effect.succeed([])

/** Counts `?` placeholders outside string literals, quoted identifiers and comments (SQ_PREPARE numQmarks). */
export const countPlaceholders = (sql: string): number => {
  let count = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]
    if (c === "'" || c === "\"") {
      const end = sql.indexOf(c, i + 1)
      i = end < 0 ? sql.length : end
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i)
      i = end < 0 ? sql.length : end
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2)
      i = end < 0 ? sql.length : end + 1
    } else if (c === "{") {
      const end = sql.indexOf("}", i)
      i = end < 0 ? sql.length : end
    } else if (c === "?") {
      count++
    }
  }
  return count
}

// -------------------------------------------------------------------------------------------------------------
// Parameters
// -------------------------------------------------------------------------------------------------------------

export function encodeParams(
  this: ConnectionImpl,
  params: ReadonlyArray<Connection.Parameter> | undefined,
  sql: string
): Effect.Effect<ReadonlyArray<M.BindValue>, ParameterError> {
  if (params === undefined || params.length === 0) return NO_BINDS
  return Effect.suspend(() => {
    const out: Array<M.BindValue> = []
    for (let i = 0; i < params.length; i++) {
      const bound = encodeBind(params[i], this.settings.values)
      if (bound instanceof CodecFailure) {
        // Which parameter and why (JS type, range, size); codec messages never quote the value (CodecFailure.ts).
        return Effect.fail(
          new ParameterError({ message: `Parameter ${i + 1} cannot be bound: ${bound.message}`, index: i, sql })
        )
      }
      out.push(bound)
    }
    return Effect.succeed(out)
  })
}

// -------------------------------------------------------------------------------------------------------------
// Prepare / release
// -------------------------------------------------------------------------------------------------------------

export function prepareStatement(
  this: ConnectionImpl,
  stmt: StatementContext,
  numQmarks: number
): Effect.Effect<Prepared, InformixError> {
  return Effect.suspend(() => {
    const sql = this.settings.values.charset.encode(stmt.sql)
    // If the caller is interrupted after the PREPARE went out, its reply is drained in the background and may
    // allocate a statement nobody owns: remember its id whichever comes first, the reply or the interruption.
    let describedId: number | undefined
    let abandoned = false
    const onReply = (reply: ReadonlyArray<Incoming>) => {
      const described = reply.find((m): m is M.Describe => m._tag === "Describe")
      if (described === undefined || replyHasError(reply)) return
      if (abandoned) this.orphan(described.statementId)
      else describedId = described.statementId
    }
    return Effect.flatMap(
      this.roundTrip([{ _tag: "Prepare", numQmarks, sql }, NDESCRIBE, WANTDONE], stmt, onReply),
      (reply) => {
        const describe = reply.find((m): m is M.Describe => m._tag === "Describe")
        if (describe === undefined) {
          return this.desync(`The server answered a PREPARE without SQ_DESCRIBE`)
        }
        return Effect.tapError(this.toPrepared(stmt.sql, describe), () =>
          Effect.sync(() => {
            this.orphan(describe.statementId)
          }))
      }
    ).pipe(
      Effect.onInterrupt(() =>
        Effect.sync(() => {
          if (describedId !== undefined) this.orphan(describedId)
          else abandoned = true
        })
      )
    )
  })
}

export function toPrepared(
  this: ConnectionImpl,
  sql: string,
  describe: M.Describe
): Effect.Effect<Prepared, InformixError> {
  const fields = describe.fields
  // SQLI.md §8.4: SELECT opens a cursor; EXECUTE PROCEDURE/FUNCTION opens one iff it returns columns.
  const returnsRows = describe.statementType === StatementType.SELECT ||
    (describe.statementType === StatementType.EXECUTE_PROCEDURE && fields.length > 0)
  let rows: RowDecoder | undefined = undefined
  if (returnsRows) {
    const decoder = makeRowDecoder(fields, this.settings.values)
    if (decoder instanceof CodecFailure) {
      return Effect.fail(
        new ResultDecodeError({ message: `The result columns cannot be decoded: ${decoder.message}`, sql })
      )
    }
    rows = decoder
  }
  const keys = columnKeys(fields)
  const columns: Array<Connection.Column> = fields.map((f, i) => ({
    name: f.name,
    key: keys[i]!,
    type: f.columnType & 0xff,
    notNull: (f.columnType & 0x0100) !== 0,
    encodedLength: f.encodedLength,
    extendedName: f.extendedName,
    extendedId: f.extendedId,
    distinct: (f.columnType & 0x0800) !== 0,
    sourceType: f.sourceType
  }))
  const blobColumns: Array<number> = []
  columns.forEach((c, i) => {
    if (c.type === TYPE_BYTE || c.type === TYPE_TEXT) blobColumns.push(i)
  })
  return Effect.succeed({
    sql,
    id: describe.statementId,
    statementType: describe.statementType,
    columns,
    keys,
    rows,
    returnsRows,
    blobColumns,
    fetchBuffer: fetchBufferFor(describe.tupleSize, this.settings.config.fetchBufferSize),
    sessionSetting: sessionSettingOf(sql),
    inUse: false,
    released: false
  })
}

/** SQ_RELEASE after the owner ended with `exit`; after an interruption it is queued behind the drain. */
export function releaseAfter<A, E>(
  this: ConnectionImpl,
  prepared: Prepared,
  exit: Exit.Exit<A, E>
): Effect.Effect<void> {
  if (!this.deferAfter(exit)) return this.release(prepared)
  return Effect.sync(() => {
    if (prepared.released) return
    prepared.released = true
    this.orphan(prepared.id)
  })
}

/** SQ_RELEASE for `prepared`; errors are ignored (the statement may already be gone), dead sessions skip it. */
export function release(this: ConnectionImpl, prepared: Prepared): Effect.Effect<void> {
  return Effect.suspend(() => {
    if (prepared.released || this.session.deadWith !== undefined) return Effect.void
    prepared.released = true
    return Effect.ignore(this.rawRoundTrip([id(prepared.id), RELEASE], noTimeout(prepared.sql)))
  })
}

/** Binds that can be sent a second time: no BYTE/TEXT bound from a Stream (a stream may be consumable once). */
export const replayable = (binds: ReadonlyArray<M.BindValue>): boolean => {
  for (const bind of binds) if (bind.blobStream !== undefined) return false
  return true
}

/**
 * Runs `use` with a prepared statement for `stmt.sql`: a free cached one, or a fresh PREPARE (cached when the
 * cache has room; otherwise released afterwards). A cached statement the server no longer knows (-710 table
 * altered, -258 unknown id) is dropped and the operation retried once with a fresh PREPARE — unless `use` is not
 * `replayable` (its error is returned; the next call prepares afresh).
 */
export function withStatement<A>(
  this: ConnectionImpl,
  stmt: StatementContext,
  numQmarks: number,
  use: (prepared: Prepared) => Effect.Effect<A, InformixError>,
  replayable = true
): Effect.Effect<A, InformixError> {
  // The hand-over from PREPARE to its owner (the cache or `using`) is uninterruptible, so an interruption can
  // never strand a prepared statement between the two. Evicted statements are released before the next batch.
  const fresh: Effect.Effect<A, InformixError> = Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(restore(this.prepareStatement(stmt, numQmarks)), (prepared) => {
      const { cached, evicted } = this.cache.put(stmt.sql, prepared)
      for (const old of evicted) {
        old.released = true
        this.orphan(old.id)
      }
      return this.using(prepared, cached, (p) => restore(use(p)))
    })
  )
  return Effect.suspend(() => {
    const cached = this.cache.take(stmt.sql)
    if (cached === undefined) return fresh
    return this.using(cached, true, use).pipe(
      Effect.catchIf(
        isStale,
        (error) => {
          this.cache.remove(stmt.sql, cached)
          // A streamed BYTE/TEXT was consumed by the failed attempt and may not replay: its caller gets the error.
          return Effect.andThen(this.release(cached), replayable ? fresh : Effect.fail(error))
        }
      )
    )
  })
}

export function using<A>(
  this: ConnectionImpl,
  prepared: Prepared,
  keep: boolean,
  use: (prepared: Prepared) => Effect.Effect<A, InformixError>
): Effect.Effect<A, InformixError> {
  this.note(prepared.sessionSetting)
  prepared.inUse = true
  return Effect.onExit(use(prepared), (exit) =>
    Effect.suspend(() => {
      prepared.inUse = false
      if (keep) return Effect.void
      if (!this.deferAfter(exit)) return this.release(prepared)
      // Interrupted: do not wait for the drain of the reply in flight; release right after it (same permit).
      prepared.released = true
      this.orphan(prepared.id)
      return Effect.void
    }))
}

// -------------------------------------------------------------------------------------------------------------
// Execution
// -------------------------------------------------------------------------------------------------------------

export function executePrepared(
  this: ConnectionImpl,
  prepared: Prepared,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext
): Effect.Effect<Connection.ExecuteResult, InformixError> {
  if (prepared.returnsRows) {
    return Effect.map(this.collect(prepared, binds, stmt), (rows) => ({ rowsAffected: rows.length }))
  }
  return Effect.map(
    this.roundTrip(
      [id(prepared.id), ...bindMessages(binds), EXECUTE],
      stmt,
      this.trackStatementType(prepared.statementType)
    ),
    executeResult
  )
}

export function executeImmediate(
  this: ConnectionImpl,
  stmt: StatementContext
): Effect.Effect<Connection.ExecuteResult, InformixError> {
  return Effect.suspend(() => {
    const sql = this.settings.values.charset.encode(stmt.sql)
    return Effect.map(
      this.roundTrip(
        [{ _tag: "Command", numQmarks: 0, sql }, NDESCRIBE, EXECUTE, RELEASE],
        stmt,
        this.trackDescribed
      ),
      executeResult
    )
  })
}

// -------------------------------------------------------------------------------------------------------------
// Public API
// -------------------------------------------------------------------------------------------------------------

export function queryWithColumns(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Effect.Effect<
  { readonly columns: ReadonlyArray<Connection.Column>; readonly rows: ReadonlyArray<ReadonlyArray<Value>> },
  InformixError
> {
  return this.span("query", sql, this.runQuery(sql, params, options, resultQuery))
}

/** A query through the statement cache, its result built by `query.done` (the columns, rows or row objects). */
export function runQuery<A>(
  this: ConnectionImpl,
  sql: string,
  params: ReadonlyArray<Connection.Parameter> | undefined,
  options: Connection.StatementOptions | undefined,
  query: OwnedQuery<A>
): Effect.Effect<A, InformixError> {
  // Without parameters or a deadline (the common case) binds and context need no steps of their own. (Still
  // suspended: the statement cache is consulted each time the effect runs, not when it is built.)
  if (isPlainRun(this, params, options)) {
    return Effect.suspend(() => this.queryWith(noBindValues, noTimeout(sql), query))
  }
  // flatMaps rather than a generator: this is every query's path, and a generator costs measurable CPU and garbage.
  return Effect.flatMap(
    this.encodeParams(params, sql),
    (binds) => Effect.flatMap(this.statementContext(sql, options), (stmt) => this.queryWith(binds, stmt, query))
  )
}

/** `runQuery` once the binds and the statement context are known. */
export function queryWith<A>(
  this: ConnectionImpl,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext,
  query: OwnedQuery<A>
): Effect.Effect<A, InformixError> {
  // A free cached statement that returns rows: a free session runs the query in one step (collectOwned).
  const cached = this.cache.take(stmt.sql)
  if (cached === undefined || !cached.returnsRows) return queryGeneral(this, binds, stmt, query.done)
  this.note(cached.sessionSetting)
  return this.collectOwned(cached, binds, stmt, query)
}

/** A query that waits for the session in line and takes its statement from the cache or a PREPARE. */
const queryGeneral = <A>(
  self: ConnectionImpl,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext,
  done: (prepared: Prepared, rows: Array<Array<Value>>) => A
): Effect.Effect<A, InformixError> =>
  self.ownedStatement(self.withStatement(stmt, binds.length, (prepared) => {
    if (prepared.returnsRows) return Effect.map(self.collect(prepared, binds, stmt), (rows) => done(prepared, rows))
    return Effect.as(self.executePrepared(prepared, binds, stmt), done(prepared, []))
  }, replayable(binds)))

const noBindValues: ReadonlyArray<M.BindValue> = []

/** A run without parameters or a deadline (the common case): no binds to encode, no deadline to compute. */
const isPlainRun = (
  self: ConnectionImpl,
  params: ReadonlyArray<Connection.Parameter> | undefined,
  options: Connection.StatementOptions | undefined
): boolean =>
  (params === undefined || params.length === 0) && options?.timeout === undefined &&
  self.settings.config.queryTimeout === undefined

interface QueryResult {
  readonly columns: ReadonlyArray<Connection.Column>
  readonly keys: ReadonlyArray<string>
  readonly rows: Array<Array<Value>>
}

const resultOf = (prepared: Prepared, rows: Array<Array<Value>>): QueryResult => ({
  columns: prepared.columns,
  keys: prepared.keys,
  rows
})

/**
 * A query of the statement cache whose result `done` builds, through `collectOwned` when the statement is cached and
 * returns rows: a free session runs it in one step. The statement is not marked in use there: the session's owner
 * permit is held from its OPEN to its last reply, so nobody else can take it meanwhile (a session that is not free
 * takes `queryGeneral`, which leases it as usual). As in `withStatement`, a statement the server no longer knows
 * leaves the cache and the query runs once more on a fresh PREPARE, still under the permit (unless a streamed
 * BYTE/TEXT bind cannot replay). Made once per kind of result, not per query.
 */
const cachedQuery = <A>(done: (prepared: Prepared, rows: Array<Array<Value>>) => A): OwnedQuery<A> => ({
  held: undefined,
  release: undefined,
  done,
  general: (self, _cached, binds, stmt) => queryGeneral(self, binds, stmt, done),
  recover: (self, continued, cached, binds, stmt) =>
    Effect.catchIf(continued, isStale, (error) => {
      self.cache.remove(stmt.sql, cached)
      return Effect.andThen(
        self.release(cached),
        replayable(binds)
          ? self.withStatement(
            stmt,
            binds.length,
            (fresh) => Effect.map(self.collect(fresh, binds, stmt), (rows) => done(fresh, rows))
          )
          : Effect.fail(error)
      )
    })
})

const rowsOnly = (_: Prepared, rows: Array<Array<Value>>): Array<Array<Value>> => rows

const resultQuery = cachedQuery(resultOf)
const rowsQuery = cachedQuery(rowsOnly)
const objectsQuery = cachedQuery((prepared: Prepared, rows: Array<Array<Value>>) => toObjects(rows, prepared.keys))

export function query(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Effect.Effect<ReadonlyArray<Connection.Row>, InformixError> {
  return this.span(
    "query",
    sql,
    this.runQuery(sql, params, options, objectsQuery)
  )
}

export function values(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Effect.Effect<ReadonlyArray<ReadonlyArray<Value>>, InformixError> {
  return this.span("values", sql, this.runQuery(sql, params, options, rowsQuery))
}

export function execute(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Effect.Effect<Connection.ExecuteResult, InformixError> {
  return this.span(
    "execute",
    sql,
    Effect.gen({ self: this }, function*() {
      const binds = yield* this.encodeParams(params, sql)
      const stmt = yield* this.statementContext(sql, options)
      if (binds.length === 0) {
        this.note(sessionSettingOf(sql))
        return yield* this.ownedStatement(this.executeImmediate(stmt))
      }
      return yield* this.ownedStatement(
        this.withStatement(
          stmt,
          binds.length,
          (prepared) => this.executePrepared(prepared, binds, stmt),
          replayable(binds)
        )
      )
    })
  )
}

export function prepare(
  this: ConnectionImpl,
  sql: string
): Effect.Effect<Connection.PreparedStatement, InformixError, Scope.Scope> {
  return Effect.gen({ self: this }, function*() {
    const prepared = yield* Effect.acquireRelease(
      this.span("prepare", sql, this.owned(this.prepareStatement(noTimeout(sql), countPlaceholders(sql)))),
      (p, exit) => this.owned(this.releaseAfter(p, exit)),
      // A stalled PREPARE must stay interruptible; an id it still allocates is released as an orphan.
      { interruptible: true }
    )
    this.note(prepared.sessionSetting)
    // One user of the statement at a time: its cursor (or execution) must finish before the next one starts.
    const lock = new Permit()
    // Without parameters or a timeout (the common case) every run has the same binds and context.
    const plainStmt = noTimeout(sql)
    const plain = Effect.succeed({ binds: noBindValues, stmt: plainStmt })
    const released = () =>
      Effect.fail(
        new StatementReleasedError({
          message: "The prepared statement was already released (its scope has closed)",
          sql
        })
      )
    const checked = (
      params: ReadonlyArray<Connection.Parameter> | undefined,
      options: Connection.StatementOptions | undefined
    ): Effect.Effect<{ binds: ReadonlyArray<M.BindValue>; stmt: StatementContext }, InformixError> =>
      Effect.suspend((): Effect.Effect<{ binds: ReadonlyArray<M.BindValue>; stmt: StatementContext }, InformixError> =>
        prepared.released
          ? released()
          : isPlainRun(this, params, options)
          ? plain
          : Effect.flatMap(
            this.encodeParams(params, sql),
            (binds) => Effect.map(this.statementContext(sql, options), (stmt) => ({ binds, stmt }))
          )
      )
    const run = <A>(
      method: string,
      params: ReadonlyArray<Connection.Parameter> | undefined,
      options: Connection.StatementOptions | undefined,
      f: (binds: ReadonlyArray<M.BindValue>, stmt: StatementContext) => Effect.Effect<A, InformixError>
    ): Effect.Effect<A, InformixError> =>
      this.span(
        method,
        sql,
        Effect.flatMap(checked(params, options), ({ binds, stmt }) =>
          lock.withPermit(this.ownedStatement(f(binds, stmt))))
      )
    // A query takes the statement's lock and the session's owner with its exchange when all are free (collectOwned).
    const held = [lock, this.session.owner]
    const releaseHeld = Effect.sync(() => releaseAll(held))
    const owned: OwnedQuery<Array<Array<Value>>> = {
      held,
      release: () => releaseHeld,
      done: rowsOnly,
      general: (self, _prepared, binds, stmt) =>
        lock.withPermit(self.ownedStatement(self.collect(prepared, binds, stmt)))
    }
    const rowsOf = (params?: ReadonlyArray<Connection.Parameter>, options?: Connection.StatementOptions) =>
      prepared.returnsRows
        ? this.span(
          "query",
          sql,
          // Without parameters or a deadline: no steps to check them (still one suspend, for `released` at run time).
          isPlainRun(this, params, options)
            ? Effect.suspend(() =>
              prepared.released ? released() : this.collectOwned(prepared, noBindValues, plainStmt, owned)
            )
            : Effect.flatMap(
              checked(params, options),
              ({ binds, stmt }) => this.collectOwned(prepared, binds, stmt, owned)
            )
        )
        : run(
          "query",
          params,
          options,
          (binds, stmt) => Effect.as(this.executePrepared(prepared, binds, stmt), [] as Array<Array<Value>>)
        )
    const statement: Connection.PreparedStatement = {
      sql,
      statementId: prepared.id,
      statementType: prepared.statementType,
      columns: prepared.columns,
      returnsRows: prepared.returnsRows,
      execute: (params, options) =>
        run("execute", params, options, (binds, stmt) => this.executePrepared(prepared, binds, stmt)),
      executeMany: (rows, options) =>
        this.span(
          "executeMany",
          sql,
          Effect.gen({ self: this }, function*() {
            const { stmt } = yield* checked(undefined, options)
            const binds = yield* this.encodeRows(rows, sql)
            if (binds.length === 0) return []
            return yield* lock.withPermit(this.owned(this.runBatch(prepared, binds, stmt, options?.onError)))
          })
        ),
      query: (params, options) => Effect.map(rowsOf(params, options), (rows) => toObjects(rows, prepared.keys)),
      values: (params, options) => rowsOf(params, options),
      stream: (params, options) =>
        Stream.unwrap(Effect.gen({ self: this }, function*() {
          const { binds, stmt } = yield* checked(params, options)
          yield* Effect.acquireRelease(lock.take, () => lock.release, { interruptible: true })
          return yield* this.cursorStream(
            prepared,
            binds,
            stmt,
            options?.fetchSize,
            (rows, keys) => toObjects(rows, keys)
          )
        })).pipe(this.streamSpan("stream", sql))
    }
    return statement
  })
}
