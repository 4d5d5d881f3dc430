/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The statement layer of a session: which SQLI batches each public operation sends (SQLI.md §8), how replies become
 * rows / results / typed errors, statement caching, cursors as Streams, transactions and savepoints.
 *
 * Message flows (all decided from the DESCRIBE, never from SQL text):
 * - `execute` without parameters: one round trip, `SQ_COMMAND NDESCRIBE EXECUTE RELEASE EOT` (JDBC
 *   `executeUpdate`, §8.3b).
 * - everything else: `SQ_PREPARE NDESCRIBE WANTDONE EOT` (cached per SQL text), then
 *   - a statement that returns rows (SELECT, or EXECUTE PROCEDURE/FUNCTION with nFields > 0):
 *     `ID CURNAME [BIND] OPEN ID NFETCH EOT` (one batch, as JDBC does with binds, §8.5/§8.6), `ID NFETCH EOT`
 *     until a reply carries SQ_DONE, then `ID CLOSE EOT`;
 *   - otherwise `ID [BIND [BBIND blobs]] EXECUTE EOT`.
 * - Statements that are not cached are released (`ID RELEASE EOT`) after use, including failed ones (§8.7).
 *
 * Ownership: operations that span several round trips hold the session's `owner` permit (transactions hold it for
 * their whole duration, see ownership.ts); each round trip additionally holds the `wire` permit (session.ts).
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import type * as Connection from "../../Connection.ts"
import {
  fromServerError,
  type InformixError,
  ParameterError,
  ProtocolError,
  ResultDecodeError,
  SqlError,
  StatementReleasedError
} from "../../InformixError.ts"
import { BlobDescriptor, type Value } from "../../InformixValue.ts"
import type { ResolvedConfig } from "../config.ts"
import { isolationStatement } from "../config.ts"
import { transactionIsolationStatement } from "../config/parse.ts"
import type * as M from "../protocol/messages.ts"
import { StatementType } from "../protocol/opcodes.ts"
import { encodeBind } from "../values/bind.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { StatementCache } from "./cache.ts"
import { encodeBatch, makeRowDecoder, type RowDecoder, type ValueContext } from "./codec.ts"
import {
  BEGIN,
  bindMessages,
  CLOSE,
  COMMIT,
  EOT,
  EXECUTE,
  id,
  NDESCRIBE,
  nfetch,
  OPEN,
  RELEASE,
  ROLLBACK,
  WANTDONE
} from "./messages.ts"
import { Holding, internalHolding, OwnedSessions, TransactionLevel, TransactionLevels } from "./ownership.ts"
import type { Incoming, Reply, Session } from "./session.ts"
import { resetStatement, type SessionSetting, sessionSettingOf } from "./sessionSettings.ts"

const TypeId: Connection.TypeId = "~effect-informix/Connection"

/** A prepared statement as the connection tracks it. */
interface Prepared {
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
}

/**
 * The NFETCH buffer for rows of `tupleSize` bytes. IBM JDBC 15 asks for 4096 bytes for rows up to 2048 bytes, 8192 up
 * to 4096 and the row size above that (captured by the conformance proxy; docs/protocol-evidence.md), so a fetch never
 * carries fewer than two rows of moderate width; a larger configured size wins.
 */
export const fetchBufferFor = (tupleSize: number, configured: number): number =>
  Math.max(configured, tupleSize <= 2048 ? 4096 : tupleSize <= 4096 ? 8192 : tupleSize)

/** Per-statement context: SQL text (for errors and spans) and the deadline from `timeout` / `queryTimeout`. */
interface StatementContext {
  readonly sql: string
  readonly deadline: number | undefined
  readonly timeout: Duration.Duration | undefined
}

export interface ConnectionSettings {
  readonly config: ResolvedConfig
  readonly framing: M.Framing
  readonly values: ValueContext
  readonly serverVersion: string | undefined
  readonly loggedDatabase: boolean
  readonly statementCacheSize: number
}

/** Codes that mean a cached statement is no longer valid on the server (table altered, id unknown or released). */
const STALE_STATEMENT_CODES = new Set([-710, -258, -267])

const TYPE_BYTE = 11
const TYPE_TEXT = 12

const isDone = (m: Incoming): m is M.Done => m._tag === "Done"

export class ConnectionImpl implements Connection.Connection {
  readonly [TypeId]: Connection.TypeId = TypeId
  readonly session: Session
  readonly settings: ConnectionSettings
  readonly database: string | undefined
  readonly host: string
  readonly port: number
  readonly serverVersion: string | undefined
  private readonly framing: M.Framing
  private readonly cache: StatementCache<Prepared>
  private cursorCounter = 0
  /** `OwnedSessions` value for library code of a fiber that owns only this session. */
  private readonly ownedAlone: ReadonlyMap<object, Holding>
  private transactionOpen = false
  private savepointCounter = 0
  /** Session state changed by statements since the session opened or was last reset (see sessionSettings.ts). */
  private readonly changed = new Set<SessionSetting>()
  private readonly spanAttributes: Record<string, unknown>

  constructor(session: Session, settings: ConnectionSettings) {
    this.session = session
    this.settings = settings
    this.framing = settings.framing
    this.database = settings.config.database
    this.host = settings.config.host
    this.port = settings.config.port
    this.serverVersion = settings.serverVersion
    this.cache = new StatementCache(settings.statementCacheSize)
    this.ownedAlone = new Map<object, Holding>([[session, internalHolding]])
    this.spanAttributes = {
      "db.system.name": "informix",
      "server.address": settings.config.host,
      "server.port": settings.config.port,
      ...(settings.config.database === undefined ? {} : { "db.namespace": settings.config.database })
    }
  }

  get state(): Connection.State {
    return this.session.state
  }

  get awaitSettled(): Effect.Effect<void> {
    return this.session.awaitSettled
  }

  get inTransaction(): boolean {
    return this.transactionOpen
  }

  get changedSettings(): ReadonlySet<SessionSetting> {
    return this.changed
  }

  /** Notes the session state `setting` a statement is about to change. */
  private note(setting: SessionSetting | undefined): void {
    if (setting !== undefined) this.changed.add(setting)
  }

  get resetSession(): Effect.Effect<boolean, InformixError> {
    return this.owned(Effect.gen({ self: this }, function*() {
      const defaults = { isolation: this.settings.config.isolation, lockWait: this.settings.config.lockWait }
      for (const setting of Array.from(this.changed)) {
        const sql = resetStatement(setting, defaults)
        if (sql === undefined) continue
        yield* this.executeImmediate(noTimeout(sql))
        this.changed.delete(setting)
      }
      return this.changed.size === 0
    }))
  }

  get serverInterruptSupported(): boolean {
    return this.session.urgent.supported
  }

  get deadWith(): InformixError | undefined {
    return this.session.deadWith
  }

  /** Urgent bytes sent so far (tests and diagnostics). */
  get interruptsSent(): number {
    return this.session.interruptsSent
  }

  onRetire(hook: (cause: Connection.RetireCause) => void): () => void {
    return this.session.onRetire(hook)
  }

  // -------------------------------------------------------------------------------------------------------------
  // Round trips
  // -------------------------------------------------------------------------------------------------------------

  /** Encodes `messages` (+ EOT), runs one exchange, fails with the reply's SQ_ERR as a typed `SqlError`. */
  private roundTrip(
    messages: ReadonlyArray<M.ClientMessage>,
    stmt: StatementContext,
    onReply?: (messages: ReadonlyArray<Incoming>) => void
  ): Effect.Effect<ReadonlyArray<Incoming>, InformixError> {
    return Effect.flatMap(this.rawRoundTrip(messages, stmt, onReply), (reply) => {
      const error = replyError(reply, stmt)
      return error === undefined ? Effect.succeed(reply.messages) : Effect.fail(error)
    })
  }

  /** Like `roundTrip` but returns the reply even when it contains SQ_ERR. */
  private rawRoundTrip(
    messages: ReadonlyArray<M.ClientMessage>,
    stmt: StatementContext,
    onReply?: (messages: ReadonlyArray<Incoming>) => void
  ): Effect.Effect<Reply, InformixError> {
    return Effect.suspend(() => {
      const bytes = encodeBatch([...messages, EOT], this.framing)
      if (bytes instanceof CodecFailure) {
        return Effect.fail(
          new ParameterError({ message: `The request could not be encoded: ${bytes.message}`, sql: stmt.sql })
        )
      }
      return Effect.flatMap(remaining(stmt), (timeout) => this.session.exchange(bytes, { timeout, onReply }))
    })
  }

  /**
   * A statement id the server allocated that no caller owns any more (an interrupted PREPARE whose reply was drained
   * in the background, a statement evicted from the cache): released in its own batch before the next exchange.
   */
  private orphan(statementId: number): void {
    const bytes = encodeBatch([id(statementId), RELEASE, EOT], this.framing)
    if (!(bytes instanceof CodecFailure)) this.session.addCleanup(bytes)
  }

  /**
   * Runs library code (which forks no user code) holding the session's owner permit, unless this fiber already
   * holds it through an operation still running (see ownership.ts).
   */
  private owned<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return this.ownedWith(effect, internalHolding)
  }

  private ownedWith<A, E, R>(effect: Effect.Effect<A, E, R>, holding: Holding): Effect.Effect<A, E, R> {
    return Effect.flatMap(OwnedSessions, (owned: ReadonlyMap<object, Holding>) => {
      if (owned.get(this.session)?.active === true) return effect
      // The common case (library code of a fiber that owns no other session) reuses one map per session.
      let next = this.ownedAlone
      if (owned.size > 0 || holding !== internalHolding) {
        const union = new Map<object, Holding>(owned)
        union.set(this.session, holding)
        next = union
      }
      return this.session.owner.withPermit(Effect.provideService(effect, OwnedSessions, next))
    })
  }

  private statementContext(
    sql: string,
    options: Connection.StatementOptions | undefined
  ): Effect.Effect<StatementContext> {
    const input = options?.timeout ?? this.settings.config.queryTimeout
    if (input === undefined) return Effect.succeed({ sql, deadline: undefined, timeout: undefined })
    const timeout = Duration.fromInputUnsafe(input)
    return Effect.map(
      Clock.currentTimeMillis,
      (now): StatementContext => ({ sql, deadline: now + Duration.toMillis(timeout), timeout })
    )
  }

  private span<A, E, R>(
    method: string,
    sql: string,
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> {
    const operation = operationName(sql)
    return Effect.withSpan(effect, `informix.${method}`, {
      kind: "client",
      captureStackTrace: false,
      attributes: {
        ...this.spanAttributes,
        "db.query.text": sql,
        ...(operation === undefined ? {} : { "db.operation.name": operation })
      }
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Transaction-state tracking (from what the server confirmed)
  // -------------------------------------------------------------------------------------------------------------

  private trackStatementType(statementType: number): (reply: ReadonlyArray<Incoming>) => void {
    return (reply) => {
      if (replyHasError(reply)) return
      if (statementType === StatementType.BEGIN_WORK) this.transactionOpen = true
      else if (statementType === StatementType.COMMIT || statementType === StatementType.ROLLBACK) {
        this.transactionOpen = false
      }
    }
  }

  private readonly trackDescribed = (reply: ReadonlyArray<Incoming>): void => {
    if (replyHasError(reply)) return
    for (const m of reply) {
      if (m._tag === "Describe") this.trackStatementType(m.statementType)(reply)
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Parameters
  // -------------------------------------------------------------------------------------------------------------

  private encodeParams(
    params: ReadonlyArray<Connection.Parameter> | undefined,
    sql: string
  ): Effect.Effect<ReadonlyArray<M.BindValue>, ParameterError> {
    return Effect.suspend(() => {
      if (params === undefined || params.length === 0) return Effect.succeed([])
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

  private prepareStatement(stmt: StatementContext, numQmarks: number): Effect.Effect<Prepared, InformixError> {
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

  private toPrepared(sql: string, describe: M.Describe): Effect.Effect<Prepared, InformixError> {
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
      extendedName: f.extendedName
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
  private releaseAfter<A, E>(prepared: Prepared, exit: Exit.Exit<A, E>): Effect.Effect<void> {
    if (!this.deferAfter(exit)) return this.release(prepared)
    return Effect.sync(() => {
      if (prepared.released) return
      prepared.released = true
      this.orphan(prepared.id)
    })
  }

  /** SQ_RELEASE for `prepared`; errors are ignored (the statement may already be gone), dead sessions skip it. */
  private release(prepared: Prepared): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (prepared.released || this.session.deadWith !== undefined) return Effect.void
      prepared.released = true
      return Effect.ignore(this.rawRoundTrip([id(prepared.id), RELEASE], noTimeout(prepared.sql)))
    })
  }

  /**
   * Runs `use` with a prepared statement for `stmt.sql`: a free cached one, or a fresh PREPARE (cached when the
   * cache has room; otherwise released afterwards). A cached statement the server no longer knows (-710 table
   * altered, -258 unknown id) is dropped and the operation retried once with a fresh PREPARE.
   */
  private withStatement<A>(
    stmt: StatementContext,
    numQmarks: number,
    use: (prepared: Prepared) => Effect.Effect<A, InformixError>
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
          (error): error is SqlError => error._tag === "SqlError" && STALE_STATEMENT_CODES.has(error.sqlcode),
          () => {
            this.cache.remove(stmt.sql, cached)
            return Effect.andThen(this.release(cached), fresh)
          }
        )
      )
    })
  }

  private using<A>(
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

  private executePrepared(
    prepared: Prepared,
    binds: ReadonlyArray<M.BindValue>,
    stmt: StatementContext
  ): Effect.Effect<Connection.ExecuteResult, InformixError> {
    if (prepared.returnsRows) {
      return Effect.map(this.collect(prepared, binds, stmt), (result) => ({
        rowsAffected: result.rows.length
      }))
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

  private executeImmediate(stmt: StatementContext): Effect.Effect<Connection.ExecuteResult, InformixError> {
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

  private nextCursorName(): string {
    // JDBC style: "_ifxc" + 13 digits, numbered per connection (SQLI.md §8.6). Unique among this session's cursors.
    const n = this.cursorCounter++
    return "_ifxc" + String(n).padStart(13, "0")
  }

  /** Decodes the SQ_TUPLEs of `reply` into `out` (arrays); fetches BYTE/TEXT contents while the cursor is open. */
  private decodeTuples(
    prepared: Prepared,
    reply: ReadonlyArray<Incoming>,
    out: Array<Array<Value>>,
    stmt: StatementContext
  ): Effect.Effect<void, InformixError> {
    const decoder = prepared.rows!
    const start = out.length
    for (let i = 0; i < reply.length; i++) {
      const m = reply[i]!
      if (m._tag !== "Tuple") continue
      const values = decoder.decode(m.payload)
      if (values instanceof CodecFailure) return this.desync(`A row could not be decoded: ${values.message}`)
      out.push(values)
    }
    if (prepared.blobColumns.length === 0 || out.length === start) return Effect.void
    return this.fetchBlobs(prepared, out, start, stmt)
  }

  private fetchBlobs(
    prepared: Prepared,
    rows: Array<Array<Value>>,
    start: number,
    stmt: StatementContext
  ): Effect.Effect<void, InformixError> {
    return Effect.gen({ self: this }, function*() {
      for (let r = start; r < rows.length; r++) {
        const row = rows[r]!
        for (const c of prepared.blobColumns) {
          const value = row[c]
          if (!(value instanceof BlobDescriptor)) continue
          if (value.isNull) {
            row[c] = null
            continue
          }
          const reply = yield* this.roundTrip([id(prepared.id), { _tag: "FetchBlob", descriptor: value.bytes }], stmt)
          const content = concatBlobChunks(reply)
          row[c] = value.type === TYPE_TEXT ? this.settings.values.charset.decode(content) : content
        }
      }
    })
  }

  /** Opens a cursor on `prepared`, fetches every row, closes the cursor (also on failure or interruption). */
  private collect(
    prepared: Prepared,
    binds: ReadonlyArray<M.BindValue>,
    stmt: StatementContext
  ): Effect.Effect<{ readonly rows: Array<Array<Value>> }, InformixError> {
    const cursor = this.nextCursorName()
    const fetchSize = prepared.fetchBuffer
    const rows: Array<Array<Value>> = []
    const body = Effect.gen({ self: this }, function*() {
      let reply = yield* this.roundTrip(
        [
          id(prepared.id),
          { _tag: "CurName", name: cursor },
          ...bindMessages(binds),
          OPEN,
          id(prepared.id),
          nfetch(fetchSize)
        ],
        stmt
      )
      yield* this.decodeTuples(prepared, reply, rows, stmt)
      while (!reply.some(isDone) && reply.some((m) => m._tag === "Tuple")) {
        reply = yield* this.roundTrip([id(prepared.id), nfetch(fetchSize)], stmt)
        yield* this.decodeTuples(prepared, reply, rows, stmt)
      }
      return { rows }
    })
    // Also after a failed or interrupted OPEN batch: the cursor may be open (the NFETCH may be what failed). CLOSE
    // goes in a batch of its own so a "cursor not open" error cannot swallow anything else; a dead session skips it.
    return Effect.onExit(body, (exit) => this.closeCursorAfter(prepared, exit))
  }

  /**
   * Whether cleanup after `exit` should be queued behind the drain instead of run now: only when the owner was
   * interrupted while its reply is being drained (the drain fiber runs the queue right after, under the same
   * permit). An interruption between round trips (e.g. a stream's consumer) cleans up at once.
   */
  private deferAfter<A, E>(exit: Exit.Exit<A, E>): boolean {
    return Exit.hasInterrupts(exit) && this.session.state === "draining"
  }

  /**
   * CLOSE after a cursor operation ended with `exit`. After an interruption the caller does not wait for the drain of
   * the reply in flight: the CLOSE is queued to run right after it, under the same wire permit.
   */
  private closeCursorAfter<A, E>(prepared: Prepared, exit: Exit.Exit<A, E>): Effect.Effect<void> {
    if (!this.deferAfter(exit)) return this.closeCursor(prepared)
    return Effect.sync(() => {
      const bytes = encodeBatch([id(prepared.id), CLOSE, EOT], this.framing)
      if (!(bytes instanceof CodecFailure)) this.session.addCleanup(bytes)
    })
  }

  private closeCursor(prepared: Prepared): Effect.Effect<void> {
    return Effect.suspend(() =>
      this.session.deadWith !== undefined
        ? Effect.void
        : Effect.ignore(this.rawRoundTrip([id(prepared.id), CLOSE], noTimeout(prepared.sql)))
    )
  }

  private desync(message: string): Effect.Effect<never, ProtocolError> {
    return Effect.suspend(() => {
      const error = new ProtocolError({ message })
      this.session.fatal(error)
      return Effect.fail(error)
    })
  }

  // -------------------------------------------------------------------------------------------------------------
  // Public API
  // -------------------------------------------------------------------------------------------------------------

  queryWithColumns(
    sql: string,
    params?: ReadonlyArray<Connection.Parameter>,
    options?: Connection.StatementOptions
  ): Effect.Effect<
    { readonly columns: ReadonlyArray<Connection.Column>; readonly rows: ReadonlyArray<ReadonlyArray<Value>> },
    InformixError
  > {
    return this.span("query", sql, this.runQuery(sql, params, options))
  }

  private runQuery(
    sql: string,
    params: ReadonlyArray<Connection.Parameter> | undefined,
    options: Connection.StatementOptions | undefined
  ): Effect.Effect<
    {
      readonly columns: ReadonlyArray<Connection.Column>
      readonly keys: ReadonlyArray<string>
      readonly rows: Array<Array<Value>>
    },
    InformixError
  > {
    return Effect.gen({ self: this }, function*() {
      const binds = yield* this.encodeParams(params, sql)
      const stmt = yield* this.statementContext(sql, options)
      return yield* this.owned(this.withStatement(stmt, binds.length, (prepared) => {
        if (prepared.returnsRows) {
          return Effect.map(this.collect(prepared, binds, stmt), ({ rows }) => ({
            columns: prepared.columns,
            keys: prepared.keys,
            rows
          }))
        }
        return Effect.as(this.executePrepared(prepared, binds, stmt), {
          columns: prepared.columns,
          keys: prepared.keys,
          rows: [] as Array<Array<Value>>
        })
      }))
    })
  }

  query(
    sql: string,
    params?: ReadonlyArray<Connection.Parameter>,
    options?: Connection.StatementOptions
  ): Effect.Effect<ReadonlyArray<Connection.Row>, InformixError> {
    return this.span(
      "query",
      sql,
      Effect.map(this.runQuery(sql, params, options), ({ keys, rows }) => toObjects(rows, keys))
    )
  }

  values(
    sql: string,
    params?: ReadonlyArray<Connection.Parameter>,
    options?: Connection.StatementOptions
  ): Effect.Effect<ReadonlyArray<ReadonlyArray<Value>>, InformixError> {
    return this.span("values", sql, Effect.map(this.runQuery(sql, params, options), ({ rows }) => rows))
  }

  execute(
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
          return yield* this.owned(this.executeImmediate(stmt))
        }
        return yield* this.owned(
          this.withStatement(stmt, binds.length, (prepared) => this.executePrepared(prepared, binds, stmt))
        )
      })
    )
  }

  stream(
    sql: string,
    params?: ReadonlyArray<Connection.Parameter>,
    options?: Connection.StreamOptions
  ): Stream.Stream<Connection.Row, InformixError> {
    return this.streamRows(sql, params, options, "stream", (rows, keys) => toObjects(rows, keys))
  }

  streamValues(
    sql: string,
    params?: ReadonlyArray<Connection.Parameter>,
    options?: Connection.StreamOptions
  ): Stream.Stream<ReadonlyArray<Value>, InformixError> {
    return this.streamRows(sql, params, options, "streamValues", (rows) => rows)
  }

  /**
   * A server cursor as a Stream: the statement is prepared when the stream starts (its own statement, never the
   * cache: the cursor stays open across pulls) and released in the stream's finalizer.
   */
  private streamRows<A>(
    sql: string,
    params: ReadonlyArray<Connection.Parameter> | undefined,
    options: Connection.StreamOptions | undefined,
    method: string,
    shape: (rows: Array<Array<Value>>, keys: ReadonlyArray<string>) => ReadonlyArray<A>
  ): Stream.Stream<A, InformixError> {
    return Stream.unwrap(Effect.gen({ self: this }, function*() {
      const binds = yield* this.encodeParams(params, sql)
      const stmt = yield* this.statementContext(sql, options)
      const prepared = yield* Effect.acquireRelease(
        this.owned(this.prepareStatement(stmt, binds.length)),
        (p, exit) => this.owned(this.releaseAfter(p, exit)),
        // A stalled PREPARE must stay interruptible; an id it still allocates is released as an orphan.
        { interruptible: true }
      )
      this.note(prepared.sessionSetting)
      return yield* this.cursorStream(prepared, binds, stmt, options?.fetchSize, shape)
    })).pipe(this.streamSpan(method, sql))
  }

  private streamSpan(method: string, sql: string) {
    const operation = operationName(sql)
    return Stream.withSpan(`informix.${method}`, {
      kind: "client",
      captureStackTrace: false,
      attributes: {
        ...this.spanAttributes,
        "db.query.text": sql,
        ...(operation === undefined ? {} : { "db.operation.name": operation })
      }
    })
  }

  /**
   * The rows of one cursor on `prepared` (kept alive by the caller) as a Stream. Every pull is one round trip: the
   * first opens the cursor and fetches in one batch (`ID CURNAME [BIND] OPEN ID NFETCH EOT`), later ones send
   * `ID NFETCH EOT` — so the consumer's demand is the backpressure. CLOSE runs as soon as SQ_DONE arrives, or in the
   * scope's finalizer when the stream ends early, fails or is interrupted. A statement without a result set is
   * executed once and yields nothing.
   */
  private cursorStream<A>(
    prepared: Prepared,
    binds: ReadonlyArray<M.BindValue>,
    stmt: StatementContext,
    fetchSizeOption: number | undefined,
    shape: (rows: Array<Array<Value>>, keys: ReadonlyArray<string>) => ReadonlyArray<A>
  ): Effect.Effect<Stream.Stream<A, InformixError>, InformixError, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      if (!prepared.returnsRows) {
        yield* this.owned(this.executePrepared(prepared, binds, stmt))
        return Stream.empty
      }
      const fetchSize = fetchSizeOption ?? prepared.fetchBuffer
      const cursor = this.nextCursorName()
      let opened = false
      let closed = false
      let finished = false
      yield* Effect.addFinalizer((exit) =>
        Effect.suspend(() => {
          if (!opened || closed) return Effect.void
          closed = true
          return this.owned(this.closeCursorAfter(prepared, exit))
        })
      )
      const fetch = Effect.gen({ self: this }, function*() {
        const request: ReadonlyArray<M.ClientMessage> = opened
          ? [id(prepared.id), nfetch(fetchSize)]
          : [
            id(prepared.id),
            { _tag: "CurName", name: cursor },
            ...bindMessages(binds),
            OPEN,
            id(prepared.id),
            nfetch(fetchSize)
          ]
        // From here on the cursor may be open (even if this batch fails half-way): the finalizer closes it.
        opened = true
        // A stream may be consumed slowly: its timeout bounds each round trip, not the stream's whole life.
        const pullStmt = yield* renew(stmt)
        const reply = yield* this.roundTrip(request, pullStmt)
        const rows: Array<Array<Value>> = []
        yield* this.decodeTuples(prepared, reply, rows, pullStmt)
        if (reply.some(isDone) || rows.length === 0) {
          finished = true
          closed = true
          yield* this.closeCursor(prepared)
        }
        return rows
      })
      const loop = (): Effect.Effect<ReadonlyArray<A>, InformixError | Cause.Done> =>
        finished
          ? Cause.done()
          : Effect.flatMap(
            this.owned(fetch),
            (rows) => rows.length === 0 ? loop() : Effect.succeed(shape(rows, prepared.keys))
          )
      const pull = Effect.suspend(loop)
      return Stream.fromPull(
        Effect.succeed(pull as Effect.Effect<readonly [A, ...Array<A>], InformixError | Cause.Done>)
      )
    })
  }

  prepare(sql: string): Effect.Effect<Connection.PreparedStatement, InformixError, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      const prepared = yield* Effect.acquireRelease(
        this.span("prepare", sql, this.owned(this.prepareStatement(noTimeout(sql), countPlaceholders(sql)))),
        (p, exit) => this.owned(this.releaseAfter(p, exit)),
        // A stalled PREPARE must stay interruptible; an id it still allocates is released as an orphan.
        { interruptible: true }
      )
      this.note(prepared.sessionSetting)
      // One user of the statement at a time: its cursor (or execution) must finish before the next one starts.
      const lock = Semaphore.makeUnsafe(1)
      const checked = (
        params: ReadonlyArray<Connection.Parameter> | undefined,
        options: Connection.StatementOptions | undefined
      ) =>
        Effect.gen({ self: this }, function*() {
          if (prepared.released) {
            return yield* new StatementReleasedError({
              message: "The prepared statement was already released (its scope has closed)",
              sql
            })
          }
          const binds = yield* this.encodeParams(params, sql)
          const stmt = yield* this.statementContext(sql, options)
          return { binds, stmt }
        })
      const run = <A>(
        method: string,
        params: ReadonlyArray<Connection.Parameter> | undefined,
        options: Connection.StatementOptions | undefined,
        f: (binds: ReadonlyArray<M.BindValue>, stmt: StatementContext) => Effect.Effect<A, InformixError>
      ): Effect.Effect<A, InformixError> =>
        this.span(
          method,
          sql,
          Effect.flatMap(checked(params, options), ({ binds, stmt }) => lock.withPermit(this.owned(f(binds, stmt))))
        )
      const rowsOf = (params?: ReadonlyArray<Connection.Parameter>, options?: Connection.StatementOptions) =>
        run("query", params, options, (binds, stmt) =>
          prepared.returnsRows
            ? Effect.map(this.collect(prepared, binds, stmt), ({ rows }) => rows)
            : Effect.as(this.executePrepared(prepared, binds, stmt), [] as Array<Array<Value>>))
      const statement: Connection.PreparedStatement = {
        sql,
        statementId: prepared.id,
        statementType: prepared.statementType,
        columns: prepared.columns,
        returnsRows: prepared.returnsRows,
        execute: (params, options) =>
          run("execute", params, options, (binds, stmt) => this.executePrepared(prepared, binds, stmt)),
        query: (params, options) => Effect.map(rowsOf(params, options), (rows) => toObjects(rows, prepared.keys)),
        values: (params, options) => rowsOf(params, options),
        stream: (params, options) =>
          Stream.unwrap(Effect.gen({ self: this }, function*() {
            const { binds, stmt } = yield* checked(params, options)
            yield* Effect.acquireRelease(lock.take(1), () => lock.release(1), { interruptible: true })
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

  /**
   * Nesting is per fiber lineage and session (`TransactionLevels`): the outermost call runs BEGIN/COMMIT, nested
   * ones a savepoint, each with a name of its own. Nested calls of sibling fibers at one level run one after
   * another: interleaved, a ROLLBACK TO one savepoint would also undo the other's work done after it.
   */
  transaction<A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: Connection.TransactionOptions
  ): Effect.Effect<A, E | InformixError, R> {
    return Effect.flatMap(TransactionLevels, (levels: ReadonlyMap<object, TransactionLevel>) => {
      const enclosing = TransactionLevel.innermostActive(levels.get(this.session))
      const level = new TransactionLevel(enclosing)
      const nextLevels = new Map<object, TransactionLevel>(levels)
      nextLevels.set(this.session, level)
      // The level ends with the effect: a fiber it forked that lives on opens its own transaction, not a savepoint.
      const inner = Effect.ensuring(
        Effect.provideService(effect, TransactionLevels, nextLevels),
        Effect.sync(() => (level.active = false))
      )
      return Effect.withSpan(
        enclosing === undefined
          ? this.outerTransaction(inner, options)
          : enclosing.children.withPermit(this.savepoint(inner, `effect_informix_sp_${++this.savepointCounter}`)),
        enclosing === undefined ? "informix.transaction" : "informix.savepoint",
        { kind: "client", captureStackTrace: false, attributes: this.spanAttributes }
      )
    })
  }

  private control(
    messages: ReadonlyArray<M.ClientMessage>,
    label: string,
    onReply?: (reply: ReadonlyArray<Incoming>) => void
  ) {
    return Effect.asVoid(this.roundTrip(messages, noTimeout(label), onReply))
  }

  /**
   * BEGIN WORK, then the isolation asked for: `SET TRANSACTION ISOLATION LEVEL …`, which Informix keeps for this
   * transaction only, where that statement has the level (dirty read = READ UNCOMMITTED, committed read = READ
   * COMMITTED, repeatable read = REPEATABLE READ). Cursor stability and last committed exist only as `SET
   * ISOLATION`, which lasts for the session: it is sent inside the transaction and the configured `isolation` is
   * restored after COMMIT/ROLLBACK; without one the session's level stays changed (noted for the pool's reset).
   */
  private outerTransaction<A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options: Connection.TransactionOptions | undefined
  ): Effect.Effect<A, E | InformixError, R> {
    const isolation = options?.isolation
    const scoped = isolation === undefined ? undefined : transactionIsolationStatement(isolation)
    const sessionWide = isolation !== undefined && scoped === undefined ? isolationStatement(isolation) : undefined
    const begin = Effect.gen({ self: this }, function*() {
      yield* this.control([BEGIN], "BEGIN WORK", (reply) => {
        if (!replyHasError(reply)) this.transactionOpen = true
      })
      if (scoped !== undefined) yield* this.executeImmediate(noTimeout(scoped))
      if (sessionWide !== undefined) {
        this.note("isolation")
        yield* this.executeImmediate(noTimeout(sessionWide))
      }
    })
    const restoreIsolation = Effect.suspend(() => {
      const configured = this.settings.config.isolation
      if (sessionWide === undefined || configured === undefined || this.session.deadWith !== undefined) {
        return Effect.void
      }
      return this.executeImmediate(noTimeout(isolationStatement(configured))).pipe(
        Effect.tap(() => Effect.sync(() => this.changed.delete("isolation"))),
        Effect.ignore
      )
    })
    const commit = this.control([COMMIT], "COMMIT WORK", (reply) => {
      if (!replyHasError(reply)) this.transactionOpen = false
    })
    const rollback = Effect.suspend(() =>
      this.session.deadWith !== undefined
        ? Effect.void
        : Effect.ignore(this.control([ROLLBACK], "ROLLBACK WORK", (reply) => {
          if (!replyHasError(reply)) this.transactionOpen = false
        }))
    )
    // The owner permit is held through a holding of its own, cleared before the permit is given back: a fiber the
    // transaction forked that outlives it then waits for the permit like everybody else (ownership.ts).
    const holding = new Holding()
    const body = Effect.uninterruptibleMask((restore) =>
      Effect.gen({ self: this }, function*() {
        const began = yield* Effect.exit(restore(begin))
        if (Exit.isFailure(began)) {
          // An interrupted BEGIN WORK may still have run on the server (its reply is drained in the background and
          // then marks the transaction open), and a failed SET after BEGIN leaves it open: roll back (after that
          // drain), so no transaction is left without owner.
          if (Exit.hasInterrupts(began) || this.transactionOpen) yield* rollback
          yield* restoreIsolation
          return yield* Effect.failCause(began.cause)
        }
        const exit = yield* Effect.exit(restore(effect))
        if (Exit.isSuccess(exit)) {
          const committed = yield* Effect.exit(commit)
          yield* restoreIsolation
          if (Exit.isFailure(committed)) return yield* Effect.failCause(committed.cause)
          return exit.value
        }
        yield* rollback
        yield* restoreIsolation
        return yield* exit
      })
    )
    return this.ownedWith(Effect.ensuring(body, Effect.sync(() => (holding.active = false))), holding)
  }

  private savepoint<A, E, R>(effect: Effect.Effect<A, E, R>, name: string): Effect.Effect<A, E | InformixError, R> {
    return Effect.uninterruptibleMask((restore) =>
      Effect.gen({ self: this }, function*() {
        yield* restore(this.control([{ _tag: "SetSavepoint", name, unique: 0 }], `SAVEPOINT ${name}`))
        const exit = yield* Effect.exit(restore(effect))
        if (Exit.isSuccess(exit)) {
          yield* this.control([{ _tag: "ReleaseSavepoint", name }], `RELEASE SAVEPOINT ${name}`)
          return exit.value
        }
        if (this.session.deadWith === undefined) {
          yield* Effect.ignore(this.control([{ _tag: "RollbackSavepoint", name }], `ROLLBACK TO SAVEPOINT ${name}`))
          yield* Effect.ignore(this.control([{ _tag: "ReleaseSavepoint", name }], `RELEASE SAVEPOINT ${name}`))
        }
        return yield* exit
      })
    )
  }

  /** Applies session settings after connect (isolation, lock wait). */
  runSetup(sql: string): Effect.Effect<void, InformixError> {
    return Effect.asVoid(this.executeImmediate(noTimeout(sql)))
  }

  get close(): Effect.Effect<void> {
    return this.session.close(this.exitBytes(), Duration.seconds(1))
  }

  private exitBytes(): Uint8Array {
    const bytes = encodeBatch([{ _tag: "Exit" }], this.framing)
    return bytes instanceof CodecFailure ? Uint8Array.of(0x00, 0x38) : bytes
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const noTimeout = (sql: string): StatementContext => ({ sql, deadline: undefined, timeout: undefined })

/** The same statement context with its deadline restarted now (per round trip of a stream). */
const renew = (stmt: StatementContext): Effect.Effect<StatementContext> =>
  stmt.timeout === undefined
    ? Effect.succeed(stmt)
    : Effect.map(Clock.currentTimeMillis, (now) => ({ ...stmt, deadline: now + Duration.toMillis(stmt.timeout!) }))

const remaining = (stmt: StatementContext): Effect.Effect<Duration.Duration | undefined> =>
  stmt.deadline === undefined
    ? Effect.succeed(undefined)
    : Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(Math.max(1, stmt.deadline! - now)))

/** sqlcode 100 in SQ_ERR means NOT FOUND (0 rows), not a failure (SQLI.md §9.1). */
const firstError = (reply: ReadonlyArray<Incoming>): M.Err | undefined => {
  for (const m of reply) {
    if (m._tag === "Err" && m.sqlcode !== 100 && m.sqlcode !== 0) return m
  }
  return undefined
}

const replyHasError = (reply: ReadonlyArray<Incoming>): boolean => firstError(reply) !== undefined

const replyError = (reply: Reply, stmt: StatementContext): SqlError | undefined => {
  const err = firstError(reply.messages)
  if (err === undefined) return undefined
  const error = fromServerError(err, stmt.sql)
  if (err.sqlcode !== -213 || !reply.timedOut) return error
  // The statement's timeout fired and the server confirmed the interrupt: say so, keep the -213 context.
  return new SqlError({
    sqlcode: error.sqlcode,
    isamCode: error.isamCode,
    offset: error.offset,
    parameter: error.parameter,
    message: `Statement timed out after ${
      stmt.timeout === undefined ? "its deadline" : Duration.format(stmt.timeout)
    } and was interrupted on the server (${error.message})`,
    sql: stmt.sql
  })
}

const executeResult = (reply: ReadonlyArray<Incoming>): Connection.ExecuteResult => {
  let rowsAffected = 0
  let serial: number | undefined
  let serial8: bigint | undefined
  let bigserial: bigint | undefined
  for (const m of reply) {
    if (m._tag === "Done") {
      rowsAffected = m.rows
      if (m.serial !== 0) serial = m.serial
    } else if (m._tag === "InsertDone") {
      if (m.serial8 !== null && m.serial8 !== 0n) serial8 = m.serial8
      if (m.bigserial !== 0n) bigserial = m.bigserial
    }
  }
  return {
    rowsAffected,
    ...(serial === undefined ? {} : { serial }),
    ...(serial8 === undefined ? {} : { serial8 }),
    ...(bigserial === undefined ? {} : { bigserial })
  }
}

/** Row keys: column names, with `_2`, `_3` … appended to repeated names so no value is lost. */
const columnKeys = (fields: ReadonlyArray<M.DescribeField>): ReadonlyArray<string> => {
  const seen = new Map<string, number>()
  const used = new Set(fields.map((f) => f.name))
  return fields.map((f) => {
    const count = (seen.get(f.name) ?? 0) + 1
    seen.set(f.name, count)
    if (count === 1) return f.name
    let n = count
    let key = `${f.name}_${n}`
    while (used.has(key)) key = `${f.name}_${++n}`
    used.add(key)
    return key
  })
}

const toObjects = (
  rows: ReadonlyArray<ReadonlyArray<Value>>,
  keys: ReadonlyArray<string>
): Array<Connection.Row> => {
  const out: Array<Connection.Row> = []
  const width = keys.length
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r]!
    const row: Record<string, Value> = {}
    for (let i = 0; i < width; i++) row[keys[i]!] = values[i]!
    out.push(row)
  }
  return out
}

const concatBlobChunks = (reply: ReadonlyArray<Incoming>): Uint8Array => {
  let size = 0
  for (const m of reply) if (m._tag === "Blob") size += m.data.length
  const out = new Uint8Array(size)
  let offset = 0
  for (const m of reply) {
    if (m._tag === "Blob") {
      out.set(m.data, offset)
      offset += m.data.length
    }
  }
  return out
}

/** The first SQL keyword (`SELECT`, `INSERT`, …) for `db.operation.name`. */
const operationName = (sql: string): string | undefined => {
  const match = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*|\{[^}]*\}\s*)*([A-Za-z]+)/.exec(sql)
  return match === null ? undefined : match[1]!.toUpperCase()
}

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
