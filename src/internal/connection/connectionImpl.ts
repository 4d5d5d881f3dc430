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
 *     until a reply carries SQ_DONE; that reply also carries SQ_CLOSE when the server closed the cursor itself
 *     (OPTOFC, asked for in the session environment), else `ID CLOSE EOT` follows (outside transactions and
 *     row-locking isolation levels written in front of the session's next batch instead of as a round trip of its
 *     own: `closeExhausted`);
 *   - otherwise `ID [BIND [BBIND blobs]] EXECUTE EOT`.
 * - Statements that are not cached are released (`ID RELEASE EOT`) after use, including failed ones (§8.7).
 *
 * Ownership: operations that span several round trips hold the session's `owner` permit (transactions hold it for
 * their whole duration, see ownership.ts); each round trip additionally holds the `wire` permit (wireSession.ts).
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import type * as Connection from "../../Connection.ts"
import { type InformixError, ParameterError } from "../../InformixError.ts"
import type { ResolvedConfig } from "../config/resolve.ts"
import type * as M from "../protocol/messages.ts"
import { StatementType } from "../protocol/opcodes.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeRows, executeMany, runBatch, runBatchRowByRow } from "./batches.ts"
import { isStreamedBlob, type RequestPart, streamedRequest } from "./blobBinds.ts"
import { StatementCache } from "./cache.ts"
import { encodeBatch, type ValueContext } from "./codecView.ts"
import {
  closeCursor,
  closeCursorAfter,
  closeExhausted,
  collect,
  collectOwned,
  cursorStream,
  decodeTuples,
  deferAfter,
  desync,
  leaseStatement,
  nextCursorName,
  ownStatement,
  prepareForStream,
  stream,
  streamRows,
  streamSpan,
  streamValues
} from "./cursorStreams.ts"
import { fetchBlobs, streamBlob } from "./largeObjects.ts"
import { type Holding, internalHolding, OwnedSessions } from "./ownership.ts"
import type { Permit } from "./permit.ts"
import { EOT, id, RELEASE } from "./prebuiltMessages.ts"
import { operationName, replyHasError, replyMessages } from "./results.ts"
import { scroll, scrollCursor } from "./scrollCursors.ts"
import { resetStatement, type SessionSetting } from "./sessionSettings.ts"
import { createSmartLob, readClobText, readSmartLob } from "./smartLobs.ts"
import { noTimeout, remaining, type StatementContext } from "./statementContext.ts"
import {
  encodeParams,
  execute,
  executeImmediate,
  executePrepared,
  prepare,
  type Prepared,
  prepareStatement,
  query,
  queryWith,
  queryWithColumns,
  release,
  releaseAfter,
  runQuery,
  toPrepared,
  using,
  values,
  withStatement
} from "./statements.ts"
import { control, outerTransaction, savepoint, transaction } from "./transactions.ts"
import type { Incoming, Reply, RequestBody, Session } from "./wireSession.ts"

const TypeId: Connection.TypeId = "~effect-informix/Connection"

/**
 * Isolation levels under which an exhausted cursor holds no row lock, so its CLOSE may wait (`closeExhausted`);
 * `undefined` is the server default (COMMITTED READ in a logged database, DIRTY READ without logging; an ANSI
 * database's REPEATABLE READ keeps its locks until the transaction ends, whether the cursor is closed or not).
 */
const deferrableIsolation = (level: ResolvedConfig["isolation"]): boolean =>
  level === undefined || level === "dirtyRead" || level === "committedRead" || level === "lastCommitted"

export interface ConnectionSettings {
  readonly config: ResolvedConfig
  readonly framing: M.Framing
  readonly values: ValueContext
  readonly serverVersion: string | undefined
  readonly databaseInfo: Connection.DatabaseInfo
  readonly statementCacheSize: number
}

export class ConnectionImpl implements Connection.Connection {
  readonly [TypeId]: Connection.TypeId = TypeId
  readonly session: Session
  readonly settings: ConnectionSettings
  readonly database: string | undefined
  readonly host: string
  readonly port: number
  readonly serverVersion: string | undefined
  readonly framing: M.Framing
  readonly cache: StatementCache<Prepared>
  cursorCounter = 0
  /** `OwnedSessions` value for library code of a fiber that owns only this session. */
  readonly ownedAlone: ReadonlyMap<object, Holding>
  /** The permits a statement of its own takes (`collectOwned`): the session's owner. */
  readonly ownerAlone: ReadonlyArray<Permit>
  /** Gives the session's owner permit up (an `onExit` finalizer, made once). */
  readonly releaseOwner: () => Effect.Effect<void>
  transactionOpen = false
  savepointCounter = 0
  /** Session state changed by statements since the session opened or was last reset (see sessionSettings.ts). */
  readonly changed = new Set<SessionSetting>()
  /**
   * Whether the CLOSE of an exhausted cursor may wait for the next request (see `closeExhausted`): only under an
   * isolation level that keeps no lock on the cursor's current row. Cleared for good once the session runs any
   * SET ISOLATION of its own (a transaction's `isolation` option, or SQL), since the level it left is not tracked.
   */
  closeMayWait: boolean
  readonly spanAttributes: Record<string, unknown>

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
    this.ownerAlone = [session.owner]
    const releaseOwner = session.owner.release
    this.releaseOwner = () => releaseOwner
    this.closeMayWait = deferrableIsolation(settings.config.isolation)
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

  get databaseInfo(): Connection.DatabaseInfo {
    return this.settings.databaseInfo
  }

  get readOnly(): boolean {
    return this.settings.databaseInfo.readOnly
  }

  get changedSettings(): ReadonlySet<SessionSetting> {
    return this.changed
  }

  /** Notes the session state `setting` a statement is about to change. */
  note(setting: SessionSetting | undefined): void {
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
  roundTrip(
    messages: ReadonlyArray<RequestPart>,
    stmt: StatementContext,
    onReply?: (messages: ReadonlyArray<Incoming>) => void,
    onMessage?: (message: Incoming) => boolean
  ): Effect.Effect<ReadonlyArray<Incoming>, InformixError> {
    return Effect.flatMap(this.rawRoundTrip(messages, stmt, onReply, onMessage), (reply) => replyMessages(reply, stmt))
  }

  /** `roundTrip` of a request already encoded (EOT included): the reply's SQ_ERR fails it as a typed `SqlError`. */
  roundTripBytes(bytes: Uint8Array, stmt: StatementContext): Effect.Effect<ReadonlyArray<Incoming>, InformixError> {
    return Effect.flatMap(
      this.exchangeBytes(bytes, stmt, undefined, undefined, undefined),
      (reply) => replyMessages(reply, stmt)
    )
  }

  /**
   * Notes what the server confirmed in a reply: the transaction state (SQ_XACTSTAT), and that an ANSI database opened
   * a transaction for the statement if none was open (an over-estimate for a statement that failed early costs one
   * ROLLBACK when the session returns to a pool). Also for a reply drained after its caller was interrupted: the
   * statement ran on the server all the same.
   */
  readonly trackReply = (reply: ReadonlyArray<Incoming>): void => {
    if (this.settings.databaseInfo.ansi) this.transactionOpen = true
    this.trackXactStat(reply)
  }

  /** One exchange of `bytes` (a whole request, or its head when `body` writes the rest), its reply tracked. */
  private exchangeBytes(
    bytes: Uint8Array,
    stmt: StatementContext,
    onReply: ((messages: ReadonlyArray<Incoming>) => void) | undefined,
    onMessage: ((message: Incoming) => boolean) | undefined,
    body: RequestBody<ParameterError> | undefined
  ): Effect.Effect<Reply, InformixError> {
    const tracked = onReply === undefined ? this.trackReply : (reply: ReadonlyArray<Incoming>) => {
      if (this.settings.databaseInfo.ansi) this.transactionOpen = true
      onReply(reply)
      this.trackXactStat(reply)
    }
    // No deadline (the common case): straight to the exchange, without a clock read.
    if (stmt.deadline === undefined) return this.session.exchange(bytes, { onReply: tracked, onMessage, body })
    return Effect.flatMap(
      remaining(stmt),
      (timeout) => this.session.exchange(bytes, { timeout, onReply: tracked, onMessage, body })
    )
  }

  /** Like `roundTrip` but returns the reply even when it contains SQ_ERR. */
  rawRoundTrip(
    messages: ReadonlyArray<RequestPart>,
    stmt: StatementContext,
    onReply?: (messages: ReadonlyArray<Incoming>) => void,
    onMessage?: (message: Incoming) => boolean
  ): Effect.Effect<Reply, InformixError> {
    return Effect.suspend(() => {
      let bytes: Uint8Array | CodecFailure
      let body: RequestBody<ParameterError> | undefined = undefined
      if (messages.some(isStreamedBlob)) {
        // BYTE/TEXT bound from a Stream: the request is written in parts as the stream is pulled (blobBinds.ts).
        const request = streamedRequest(messages, this.framing, this.settings.values, stmt.sql)
        bytes = request instanceof CodecFailure ? request : request.head
        if (!(request instanceof CodecFailure)) {
          body = { stream: request.body, tail: request.tail, abort: request.abort }
        }
      } else {
        bytes = encodeBatch([...(messages as ReadonlyArray<M.ClientMessage>), EOT], this.framing)
      }
      if (bytes instanceof CodecFailure) {
        return Effect.fail(
          new ParameterError({ message: `The request could not be encoded: ${bytes.message}`, sql: stmt.sql })
        )
      }
      return this.exchangeBytes(bytes, stmt, onReply, onMessage, body)
    })
  }

  /**
   * A statement id the server allocated that no caller owns any more (an interrupted PREPARE whose reply was drained
   * in the background, a statement evicted from the cache): released in its own batch before the next exchange.
   */
  orphan(statementId: number): void {
    const bytes = encodeBatch([id(statementId), RELEASE, EOT], this.framing)
    if (!(bytes instanceof CodecFailure)) this.session.addCleanup(bytes)
  }

  /**
   * Runs library code (which forks no user code) holding the session's owner permit, unless this fiber already
   * holds it through an operation still running (see ownership.ts).
   */
  owned<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return this.ownedWith(effect, internalHolding)
  }

  ownedWith<A, E, R>(effect: Effect.Effect<A, E, R>, holding: Holding): Effect.Effect<A, E, R> {
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

  /**
   * `owned` for one statement's own work, which never calls `owned` again (no caller code runs inside): the owner
   * permit without providing `OwnedSessions`, which would copy the fiber's context on every statement.
   */
  ownedStatement<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.flatMap(
      OwnedSessions,
      (owned: ReadonlyMap<object, Holding>) =>
        owned.get(this.session)?.active === true ? effect : this.session.owner.withPermit(effect)
    )
  }

  statementContext(
    sql: string,
    options: Connection.StatementOptions | undefined
  ): Effect.Effect<StatementContext> {
    const input = options?.timeout ?? this.settings.config.queryTimeout
    if (input === undefined) return Effect.succeed(noTimeout(sql))
    const timeout = Duration.fromInputUnsafe(input)
    return Effect.map(
      Clock.currentTimeMillis,
      (now): StatementContext => ({ sql, deadline: now + Duration.toMillis(timeout), timeout })
    )
  }

  /**
   * The statement's client span. Without a tracing backend (the active tracer is effect's in-memory `nativeTracer`)
   * nobody could observe it, so none is made: a span per query is measurable CPU and garbage on the hot path.
   */
  span<A, E, R>(
    method: string,
    sql: string,
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> {
    return Effect.withFiber((fiber) =>
      fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer ? effect : this.withStatementSpan(method, sql, effect)
    )
  }

  withStatementSpan<A, E, R>(
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

  trackStatementType(statementType: number): (reply: ReadonlyArray<Incoming>) => void {
    return (reply) => {
      if (replyHasError(reply)) return
      if (statementType === StatementType.SET_ISOLATION) this.closeMayWait = false
      if (statementType === StatementType.BEGIN_WORK) this.transactionOpen = true
      else if (statementType === StatementType.COMMIT || statementType === StatementType.ROLLBACK) {
        this.transactionOpen = false
      }
    }
  }

  /**
   * SQ_XACTSTAT is the server's own word on the transaction state and overrides what the statements suggested: JDBC
   * reads only its new level, 1 = a transaction is now open, 0 = none (`IfxSqli.receiveXactstat`).
   */
  trackXactStat(reply: ReadonlyArray<Incoming>): void {
    for (let i = reply.length - 1; i >= 0; i--) {
      const m = reply[i]!
      if (m._tag === "XactStat") {
        if (m.newLevel >= 0) this.transactionOpen = m.newLevel > 0
        return
      }
    }
  }

  readonly trackDescribed = (reply: ReadonlyArray<Incoming>): void => {
    if (replyHasError(reply)) return
    for (const m of reply) {
      if (m._tag === "Describe") this.trackStatementType(m.statementType)(reply)
    }
  }

  /** Applies session settings after connect (isolation, lock wait). */
  runSetup(sql: string): Effect.Effect<void, InformixError> {
    return Effect.asVoid(this.executeImmediate(noTimeout(sql))).pipe(
      // The configured level is known: the session's own SET ISOLATION does not make it unknown.
      Effect.tap(() => Effect.sync(() => (this.closeMayWait = deferrableIsolation(this.settings.config.isolation))))
    )
  }

  get close(): Effect.Effect<void> {
    return this.session.close(this.exitBytes(), Duration.seconds(1))
  }

  exitBytes(): Uint8Array {
    const bytes = encodeBatch([{ _tag: "Exit" }], this.framing)
    return bytes instanceof CodecFailure ? Uint8Array.of(0x00, 0x38) : bytes
  }

  // The methods of each concern live in their own file (statements.ts, cursorStreams.ts, largeObjects.ts, transactions.ts) as
  // functions of `this: ConnectionImpl`; installed on the prototype below (non-enumerable, like class methods).
  declare readonly encodeParams: typeof encodeParams
  declare readonly prepareStatement: typeof prepareStatement
  declare readonly toPrepared: typeof toPrepared
  declare readonly releaseAfter: typeof releaseAfter
  declare readonly release: typeof release
  declare readonly withStatement: typeof withStatement
  declare readonly using: typeof using
  declare readonly executePrepared: typeof executePrepared
  declare readonly executeImmediate: typeof executeImmediate
  declare readonly nextCursorName: typeof nextCursorName
  declare readonly decodeTuples: typeof decodeTuples
  declare readonly fetchBlobs: typeof fetchBlobs
  declare readonly streamBlob: typeof streamBlob
  declare readonly collect: typeof collect
  declare readonly collectOwned: typeof collectOwned
  declare readonly deferAfter: typeof deferAfter
  declare readonly closeCursorAfter: typeof closeCursorAfter
  declare readonly closeCursor: typeof closeCursor
  declare readonly closeExhausted: typeof closeExhausted
  declare readonly desync: typeof desync
  declare readonly queryWithColumns: typeof queryWithColumns
  declare readonly runQuery: typeof runQuery
  declare readonly queryWith: typeof queryWith
  declare readonly query: typeof query
  declare readonly values: typeof values
  declare readonly execute: typeof execute
  declare readonly stream: typeof stream
  declare readonly streamValues: typeof streamValues
  declare readonly streamRows: typeof streamRows
  declare readonly prepareForStream: typeof prepareForStream
  declare readonly leaseStatement: typeof leaseStatement
  declare readonly ownStatement: typeof ownStatement
  declare readonly streamSpan: typeof streamSpan
  declare readonly cursorStream: typeof cursorStream
  declare readonly prepare: typeof prepare
  declare readonly encodeRows: typeof encodeRows
  declare readonly executeMany: typeof executeMany
  declare readonly runBatch: typeof runBatch
  declare readonly runBatchRowByRow: typeof runBatchRowByRow
  declare readonly scroll: typeof scroll
  declare readonly scrollCursor: typeof scrollCursor
  declare readonly transaction: typeof transaction
  declare readonly control: typeof control
  declare readonly outerTransaction: typeof outerTransaction
  declare readonly savepoint: typeof savepoint
  declare readonly createSmartLob: typeof createSmartLob
  declare readonly readSmartLob: typeof readSmartLob
  declare readonly readClobText: typeof readClobText
}

const methods = {
  encodeParams,
  prepareStatement,
  toPrepared,
  releaseAfter,
  release,
  withStatement,
  using,
  executePrepared,
  executeImmediate,
  nextCursorName,
  decodeTuples,
  fetchBlobs,
  streamBlob,
  collect,
  collectOwned,
  deferAfter,
  closeCursorAfter,
  closeCursor,
  closeExhausted,
  desync,
  queryWithColumns,
  runQuery,
  queryWith,
  query,
  values,
  execute,
  stream,
  streamValues,
  streamRows,
  prepareForStream,
  leaseStatement,
  ownStatement,
  streamSpan,
  cursorStream,
  prepare,
  encodeRows,
  executeMany,
  runBatch,
  runBatchRowByRow,
  scroll,
  scrollCursor,
  transaction,
  control,
  outerTransaction,
  savepoint,
  createSmartLob,
  readSmartLob,
  readClobText
}
for (const [name, method] of Object.entries(methods)) {
  Object.defineProperty(ConnectionImpl.prototype, name, { value: method, writable: true, configurable: true })
}
