/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Cursors on a connection: CURNAME / OPEN / NFETCH / CLOSE, rows decoded per fetch, whole results collected and
 * results as Streams (one round trip per pull), and the cleanup of a cursor after failure or interruption.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Connection from "../../Connection.ts"
import {
  type InformixError,
  ParameterError,
  ProtocolError,
  ResultDecodeError,
  type SqlError
} from "../../InformixError.ts"
import type { Value } from "../../InformixValue.ts"
import type * as M from "../protocol/messages.ts"
import { CodecFailure, ValueRejected } from "../values/CodecFailure.ts"
import type { RequestPart } from "./blobBinds.ts"
import { encodeBatch } from "./codecView.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import type { Permit } from "./permit.ts"
import { bindMessages, CLOSE, EOT, id, OPEN } from "./prebuiltMessages.ts"
import { isDone, operationName, replyError, replyMessages, toObjects } from "./results.ts"
import { fetchRequest } from "./retType.ts"
import { noTimeout, renew, type StatementContext } from "./statementContext.ts"
import { type Prepared, replayable, STALE_STATEMENT_CODES } from "./statements.ts"
import type { Incoming, Reply } from "./wireSession.ts"

export function nextCursorName(this: ConnectionImpl): string {
  // JDBC style: "_ifxc" + 13 digits, numbered per connection (SQLI.md §8.6). Unique among this session's cursors.
  const n = this.cursorCounter++
  return "_ifxc" + String(n).padStart(13, "0")
}

/** Decodes the SQ_TUPLEs of `reply` into `out` (arrays); fetches BYTE/TEXT contents while the cursor is open. */
export function decodeTuples(
  this: ConnectionImpl,
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
    if (values instanceof ValueRejected) {
      // A registered codec refused a well-framed value: the statement fails, the session stays in step.
      return Effect.fail(
        new ResultDecodeError({ message: `A row could not be decoded: ${values.message}`, sql: stmt.sql })
      )
    }
    if (values instanceof CodecFailure) return this.desync(`A row could not be decoded: ${values.message}`)
    out.push(values)
  }
  if (prepared.blobColumns.length === 0 || out.length === start) return Effect.void
  return this.fetchBlobs(prepared, out, start, stmt)
}

/** One batch that names, opens and first fetches a cursor: `ID CURNAME [BIND …] OPEN ID NFETCH` (EOT added later). */
export const openBatch = (
  prepared: Prepared,
  cursor: string,
  binds: ReadonlyArray<M.BindValue>,
  fetchSize: number
): ReadonlyArray<RequestPart> => [
  id(prepared.id),
  { _tag: "CurName", name: cursor },
  ...bindMessages(binds),
  OPEN,
  id(prepared.id),
  ...fetchRequest(prepared.columns, fetchSize)
]

/**
 * The whole request that opens `prepared`'s cursor and fetches its first rows, `ID CURNAME [BIND …] OPEN ID NFETCH
 * EOT`. Without parameters it is the same bytes every time (the cursor keeps its name, see `cursorNameOf`), so it is
 * encoded once per statement.
 */
const openRequest = (
  self: ConnectionImpl,
  prepared: Prepared,
  binds: ReadonlyArray<M.BindValue>
): Uint8Array | CodecFailure => {
  if (binds.length === 0 && prepared.openBatch !== undefined) return prepared.openBatch
  const bytes = encodeBatch(
    [...openBatch(prepared, cursorNameOf(self, prepared), binds, prepared.fetchBuffer) as Array<M.ClientMessage>, EOT],
    self.framing
  )
  if (binds.length === 0 && !(bytes instanceof CodecFailure)) prepared.openBatch = bytes
  return bytes
}

/**
 * The name `collect` opens `prepared`'s cursor under: one per statement, kept for its life, as IBM JDBC names a
 * statement's cursor once and sends the same SQ_CURNAME at every execution (IfxStatement.getCursorName,
 * IfxSqli.sendQuery; docs/protocol-evidence.md). One cursor per statement is open at a time (a statement is used by
 * one caller at a time), and its CLOSE always reaches the server before the next OPEN.
 */
const cursorNameOf = (self: ConnectionImpl, prepared: Prepared): string => prepared.cursorName ??= self.nextCursorName()

/** Opens a cursor on `prepared`, fetches every row, closes the cursor (also on failure or interruption). */
export function collect(
  this: ConnectionImpl,
  prepared: Prepared,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext
): Effect.Effect<Array<Array<Value>>, InformixError> {
  const request = openRequest(this, prepared, binds)
  if (request instanceof CodecFailure) {
    return Effect.fail(
      new ParameterError({ message: `The request could not be encoded: ${request.message}`, sql: stmt.sql })
    )
  }
  return collectFrom(this, prepared, stmt, this.roundTripBytes(request, stmt))
}

/**
 * `collect` once its OPEN batch is written: `first` is the reply of that batch (or fails with its error). Every
 * further fetch and the CLOSE (also after a failure or interruption) follow from here.
 */
const collectFrom = (
  self: ConnectionImpl,
  prepared: Prepared,
  stmt: StatementContext,
  first: Effect.Effect<ReadonlyArray<Incoming>, InformixError>
): Effect.Effect<Array<Array<Value>>, InformixError> => {
  let fetchSize = prepared.fetchBuffer
  const rows: Array<Array<Value>> = []
  let exhausted = false
  let serverClosed = false
  // A chain of flatMaps rather than a generator: nearly every query runs this once, with one reply.
  const next = (reply: ReadonlyArray<Incoming>): Effect.Effect<Array<Array<Value>>, InformixError> => {
    // Closed by the server (OPTOFC): no CLOSE of ours, whatever happens next.
    if (closedByServer(reply)) serverClosed = true
    return Effect.flatMap(self.decodeTuples(prepared, reply, rows, stmt), () => {
      const state = fetchState(reply)
      if (state === FETCH_MORE) {
        fetchSize = growFetch(fetchSize, prepared.fetchBuffer, self.framing)
        return Effect.flatMap(
          self.roundTrip([id(prepared.id), ...fetchRequest(prepared.columns, fetchSize)], stmt),
          next
        )
      }
      exhausted = state === FETCH_DONE
      return Effect.succeed(rows)
    })
  }
  // Also after a failed or interrupted OPEN batch: the cursor may be open (the NFETCH may be what failed). CLOSE
  // goes in a batch of its own so a "cursor not open" error cannot swallow anything else; a dead session skips it.
  return Effect.onExit(
    Effect.flatMap(first, next),
    (exit) =>
      serverClosed
        ? Effect.void
        : exhausted && Exit.isSuccess(exit)
        ? self.closeExhausted(prepared)
        : self.closeCursorAfter(prepared, exit)
  )
}

/**
 * How a caller runs its queries through `collectOwned`, made once per kind of caller (the statement cache, each
 * prepared statement) rather than per query: nothing here is allocated on the query's path.
 */
export interface OwnedQuery<A> {
  /** The permits taken with the wire (the session's owner, and a prepared statement's lock); `undefined`: the owner. */
  readonly held: ReadonlyArray<Permit> | undefined
  /** Gives `held` up (`undefined`: the owner's release). */
  readonly release: (() => Effect.Effect<void>) | undefined
  /** The caller's result from the statement and its rows. */
  readonly done: (prepared: Prepared, rows: Array<Array<Value>>) => A
  /** The query the general way, waiting for the permits in line (built only when taken). */
  readonly general: (
    self: ConnectionImpl,
    prepared: Prepared,
    binds: ReadonlyArray<M.BindValue>,
    stmt: StatementContext
  ) => Effect.Effect<A, InformixError>
  /** Wraps what continues after a first reply that did not settle the query (e.g. to retry a stale statement). */
  readonly recover?: (
    self: ConnectionImpl,
    continued: Effect.Effect<A, InformixError>,
    prepared: Prepared,
    binds: ReadonlyArray<M.BindValue>,
    stmt: StatementContext
  ) => Effect.Effect<A, InformixError>
}

/**
 * `collect` under the session's owner permit (and a prepared statement's own lock: `query.held`), its rows handed to
 * `query.done` — in one step when it can: if the session, its wire and the permits are all free, they are taken with
 * the OPEN batch's write (`Session.exchangeHolding`), and a reply that ends the result without an error (nearly every
 * small query) is decoded, its CLOSE queued to ride on the next request (`closeExhausted`) and every permit given up
 * in the same synchronous step: no permit effect, no exit frames, no further fiber steps. Any other reply continues
 * as `collect` does (through `query.recover`, if given), the permits held until it ends. A statement with a deadline
 * or BYTE/TEXT columns, or a session busy with anything, takes `query.general` instead, which waits for the permits
 * in line.
 */
export function collectOwned<A>(
  this: ConnectionImpl,
  prepared: Prepared,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext,
  query: OwnedQuery<A>
): Effect.Effect<A, InformixError> {
  if (stmt.deadline !== undefined || prepared.blobColumns.length > 0) return query.general(this, prepared, binds, stmt)
  const request = openRequest(this, prepared, binds)
  const closeBatch = closeBatchOf(this, prepared)
  if (request instanceof CodecFailure || closeBatch === undefined) return query.general(this, prepared, binds, stmt)
  const held = query.held ?? this.ownerAlone
  return Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(
      restore(this.session.exchangeHolding(request, this.trackReply, held, closeBatch, prepared)),
      (reply) => {
        if (reply === undefined) return restore(query.general(this, prepared, binds, stmt))
        // The permits are given up however this ends (a defect included: a permit kept would stall the session).
        return Effect.onExit(
          Effect.suspend(() => {
            const rows = settledRows(this, prepared, reply, stmt, closeBatch)
            if (rows !== undefined) return Effect.succeed(query.done(prepared, rows))
            const first = Effect.suspend(() => replyMessages(reply, stmt))
            const continued = Effect.map(collectFrom(this, prepared, stmt, first), (rows) => query.done(prepared, rows))
            return restore(
              query.recover === undefined ? continued : query.recover(this, continued, prepared, binds, stmt)
            )
          }),
          query.release ?? this.releaseOwner
        )
      }
    )
  )
}

/**
 * The rows of a reply that ended the result without an error, its CLOSE queued to ride on the next request: all in
 * one synchronous step, so nothing can come between (the caller holds the session's owner permit). `undefined` for
 * anything else (an error, more rows to fetch, a row a codec refused, a CLOSE that must go at once), which the
 * general path handles from the same reply.
 */
const settledRows = (
  self: ConnectionImpl,
  prepared: Prepared,
  reply: Reply,
  stmt: StatementContext,
  closeBatch: Uint8Array
): Array<Array<Value>> | undefined => {
  const messages = reply.messages
  if (self.transactionOpen || !self.closeMayWait || fetchState(messages) !== FETCH_DONE) return undefined
  if (replyError(reply, stmt) !== undefined) return undefined
  const decoder = prepared.rows!
  // Allocated at its final length: an empty array grown by a push reserves 17 slots (about 150 B for one row). The
  // same pass notes whether the server closed the cursor itself (`closedByServer`).
  let count = 0
  let serverClosed = false
  for (let i = 0; i < messages.length; i++) {
    const tag = messages[i]!._tag
    if (tag === "Tuple") count++
    else if (tag === "CursorClosed") serverClosed = true
  }
  // oxlint-disable-next-line unicorn/no-new-array -- a length, on purpose (see above)
  const rows: Array<Array<Value>> = new Array(count)
  for (let i = 0, row = 0; i < messages.length; i++) {
    const m = messages[i]!
    if (m._tag !== "Tuple") continue
    const values = decoder.decode(m.payload)
    if (values instanceof CodecFailure) return undefined
    rows[row++] = values
  }
  if (!serverClosed) self.session.addDeferred(closeBatch)
  return rows
}

const FETCH_DONE = 0
const FETCH_MORE = 1
const FETCH_EMPTY = 2

/** After a fetch: SQ_DONE ended the result, or rows came without it (fetch more), or neither (nothing more comes). */
const fetchState = (reply: ReadonlyArray<Incoming>): number => {
  let tuple = false
  for (let i = 0; i < reply.length; i++) {
    const tag = reply[i]!._tag
    if (tag === "Done") return FETCH_DONE
    if (tag === "Tuple") tuple = true
  }
  return tuple ? FETCH_MORE : FETCH_EMPTY
}

/**
 * Whether the server closed the cursor itself (SQ_CLOSE in a fetch's reply): it does so under OPTOFC, which our
 * session environment asks for (prebuiltMessages.ts `INFO_ENV`), once the last row is fetched. A server that does
 * not honour OPTOFC never sends it, and its cursors are closed by us as before.
 */
export const closedByServer = (reply: ReadonlyArray<Incoming>): boolean => {
  for (let i = reply.length - 1; i >= 0; i--) if (reply[i]!._tag === "CursorClosed") return true
  return false
}

/**
 * The NFETCH budget after a fetch that did not end the result: doubled, up to `MAX_GROWN_FETCH` (or the starting
 * size when that is larger). A large result then travels in few round trips while a small one still costs one small
 * reply; the cap bounds the reply held in memory at once. IBM JDBC keeps its first size (FET_BUF_SIZE) for the whole
 * result; the server fills whatever budget a fetch names, so growing it needs nobody's permission. A 16-bit fetch
 * field (no SQ_PROTOCOLS bit 63) stops below 32 KiB.
 */
const growFetch = (current: number, start: number, framing: M.Framing): number =>
  Math.max(start, Math.min(current * 2, framing.fetchBuffer32 ? MAX_GROWN_FETCH : 0x8000 - 1))

const MAX_GROWN_FETCH = 64 * 1024

/**
 * CLOSE of a cursor whose last row was read (its reply carried SQ_DONE). Outside a transaction and under an
 * isolation level that holds no lock on the current row, nothing is waiting for it: the batch travels in front of
 * the session's next request in the same write (wireSession.ts `addDeferred`) instead of costing a round trip now,
 * so a small query is one exchange. Otherwise (a transaction, which may hold row locks; CURSOR STABILITY or
 * REPEATABLE READ; an isolation level the session set itself) it closes at once. The server processes batches in
 * order, so a later OPEN of the same statement always finds the cursor closed.
 */
export function closeExhausted(this: ConnectionImpl, prepared: Prepared): Effect.Effect<void> {
  if (this.transactionOpen || !this.closeMayWait) return this.closeCursor(prepared)
  return Effect.sync(() => {
    const bytes = closeBatchOf(this, prepared)
    if (bytes !== undefined) this.session.addDeferred(bytes)
  })
}

/** `ID CLOSE EOT` for `prepared`, encoded once. */
const closeBatchOf = (self: ConnectionImpl, prepared: Prepared): Uint8Array | undefined => {
  if (prepared.closeBatch === undefined) {
    const bytes = encodeBatch([id(prepared.id), CLOSE, EOT], self.framing)
    if (bytes instanceof CodecFailure) return undefined
    prepared.closeBatch = bytes
  }
  return prepared.closeBatch
}

/**
 * Whether cleanup after `exit` should be queued behind the drain instead of run now: only when the owner was
 * interrupted while its reply is being drained (the drain fiber runs the queue right after, under the same
 * permit). An interruption between round trips (e.g. a stream's consumer) cleans up at once.
 */
export function deferAfter<A, E>(this: ConnectionImpl, exit: Exit.Exit<A, E>): boolean {
  return Exit.hasInterrupts(exit) && this.session.state === "draining"
}

/**
 * CLOSE after a cursor operation ended with `exit`. After an interruption the caller does not wait for the drain of
 * the reply in flight: the CLOSE is queued to run right after it, under the same wire permit.
 */
export function closeCursorAfter<A, E>(
  this: ConnectionImpl,
  prepared: Prepared,
  exit: Exit.Exit<A, E>
): Effect.Effect<void> {
  if (!this.deferAfter(exit)) return this.closeCursor(prepared)
  return Effect.sync(() => {
    const bytes = encodeBatch([id(prepared.id), CLOSE, EOT], this.framing)
    if (!(bytes instanceof CodecFailure)) this.session.addCleanup(bytes)
  })
}

export function closeCursor(this: ConnectionImpl, prepared: Prepared): Effect.Effect<void> {
  return Effect.suspend(() =>
    this.session.deadWith !== undefined
      ? Effect.void
      : Effect.ignore(this.rawRoundTrip([id(prepared.id), CLOSE], noTimeout(prepared.sql)))
  )
}

export function desync(this: ConnectionImpl, message: string): Effect.Effect<never, ProtocolError> {
  return Effect.suspend(() => {
    const error = new ProtocolError({ message })
    this.session.fatal(error)
    return Effect.fail(error)
  })
}

export function stream(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StreamOptions
): Stream.Stream<Connection.Row, InformixError> {
  return this.streamRows(sql, params, options, "stream", (rows, keys) => toObjects(rows, keys))
}

export function streamValues(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StreamOptions
): Stream.Stream<ReadonlyArray<Value>, InformixError> {
  return this.streamRows(sql, params, options, "streamValues", (rows) => rows)
}

/**
 * A server cursor as a Stream: when the stream starts it takes the statement cache's statement for `sql` (or
 * PREPAREs one), held in use until the stream's finalizer, since the cursor stays open across pulls.
 */
export function streamRows<A>(
  this: ConnectionImpl,
  sql: string,
  params: ReadonlyArray<Connection.Parameter> | undefined,
  options: Connection.StreamOptions | undefined,
  method: string,
  shape: (rows: Array<Array<Value>>, keys: ReadonlyArray<string>) => ReadonlyArray<A>
): Stream.Stream<A, InformixError> {
  return Stream.unwrap(Effect.gen({ self: this }, function*() {
    const { binds, lease, stmt } = yield* this.prepareForStream(sql, params, options, true)
    // A cached statement the server no longer knows fails the OPEN (-710 table altered, -258 unknown id): it leaves
    // the cache and the stream opens its cursor on a fresh PREPARE instead, as a query does (`withStatement`).
    // A streamed BYTE/TEXT bind was consumed by the failed OPEN and cannot replay: the stale statement still leaves
    // the cache, and the stream fails with the error.
    const refresh = Effect.suspend(() => {
      if (!lease.cached) return Effect.succeed(undefined)
      const stale = lease.prepared
      this.cache.remove(stmt.sql, stale)
      stale.inUse = false
      lease.cached = false
      // Runs inside the stream's pull, which holds the owner permit already.
      const dropped = this.release(stale)
      if (!replayable(binds)) return Effect.as(dropped, undefined)
      return Effect.andThen(
        dropped,
        Effect.uninterruptibleMask((restore) =>
          Effect.map(restore(this.prepareStatement(stmt, binds.length)), (fresh) => {
            lease.prepared = fresh
            return fresh
          })
        )
      )
    })
    return yield* this.cursorStream(lease.prepared, binds, stmt, options?.fetchSize, shape, refresh)
  })).pipe(this.streamSpan(method, sql))
}

/** The statement a stream's cursor runs on; `cached` when it belongs to the statement cache (else the stream's own). */
export interface StreamLease {
  prepared: Prepared
  cached: boolean
}

/**
 * A stream's statement with its binds and context, held until the stream's scope closes. With `reuse`, a free
 * statement of the cache (or a new one the cache takes) is marked in use for that long, so a stream costs no PREPARE
 * and RELEASE of its own; otherwise (or when the cache is full of statements in use) the statement is the stream's
 * own and released at the end.
 */
export function prepareForStream(
  this: ConnectionImpl,
  sql: string,
  params: ReadonlyArray<Connection.Parameter> | undefined,
  options: Connection.StatementOptions | undefined,
  reuse: boolean
): Effect.Effect<
  { readonly binds: ReadonlyArray<M.BindValue>; readonly lease: StreamLease; readonly stmt: StatementContext },
  InformixError,
  Scope.Scope
> {
  return Effect.gen({ self: this }, function*() {
    const binds = yield* this.encodeParams(params, sql)
    const stmt = yield* this.statementContext(sql, options)
    const lease = yield* Effect.acquireRelease(
      this.owned(reuse ? this.leaseStatement(stmt, binds.length) : this.ownStatement(stmt, binds.length)),
      (lease, exit) => {
        // Read at release: a refreshed stream holds a statement of its own.
        if (!lease.cached) return this.owned(this.releaseAfter(lease.prepared, exit))
        return Effect.sync(() => {
          lease.prepared.inUse = false
        })
      },
      // A stalled PREPARE must stay interruptible; an id it still allocates is released as an orphan.
      { interruptible: true }
    )
    this.note(lease.prepared.sessionSetting)
    return { binds, lease, stmt }
  })
}

/** A statement of the stream's own (a fresh PREPARE). */
export function ownStatement(
  this: ConnectionImpl,
  stmt: StatementContext,
  numQmarks: number
): Effect.Effect<StreamLease, InformixError> {
  return Effect.map(this.prepareStatement(stmt, numQmarks), (prepared) => ({ prepared, cached: false }))
}

/**
 * A free cached statement for `stmt.sql`, or a fresh PREPARE offered to the cache, marked in use. The hand-over from
 * PREPARE to the cache is uninterruptible (as in `withStatement`), so an interruption never strands a statement.
 */
export function leaseStatement(
  this: ConnectionImpl,
  stmt: StatementContext,
  numQmarks: number
): Effect.Effect<StreamLease, InformixError> {
  return Effect.suspend(() => {
    const cached = this.cache.take(stmt.sql)
    if (cached !== undefined) {
      cached.inUse = true
      return Effect.succeed({ prepared: cached, cached: true })
    }
    return Effect.uninterruptibleMask((restore) =>
      Effect.map(restore(this.prepareStatement(stmt, numQmarks)), (prepared) => {
        const { cached, evicted } = this.cache.put(stmt.sql, prepared)
        for (const old of evicted) {
          old.released = true
          this.orphan(old.id)
        }
        if (cached) prepared.inUse = true
        return { prepared, cached }
      })
    )
  })
}

export function streamSpan(this: ConnectionImpl, method: string, sql: string) {
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
 * `ID NFETCH EOT` — so the consumer's demand is the backpressure. CLOSE follows SQ_DONE (`closeExhausted`), or runs in the
 * scope's finalizer when the stream ends early, fails or is interrupted. A statement without a result set is
 * executed once and yields nothing.
 */
export function cursorStream<A>(
  this: ConnectionImpl,
  statement: Prepared,
  binds: ReadonlyArray<M.BindValue>,
  stmt: StatementContext,
  fetchSizeOption: number | undefined,
  shape: (rows: Array<Array<Value>>, keys: ReadonlyArray<string>) => ReadonlyArray<A>,
  refresh?: Effect.Effect<Prepared | undefined, InformixError>
): Effect.Effect<Stream.Stream<A, InformixError>, InformixError, Scope.Scope> {
  return Effect.gen({ self: this }, function*() {
    // Replaced when `refresh` swaps a stale cached statement for a fresh one before the cursor opens.
    let prepared = statement
    if (!prepared.returnsRows) {
      yield* this.owned(this.executePrepared(prepared, binds, stmt))
      return Stream.empty
    }
    // An explicit `fetchSize` is kept as given; the default budget grows with the result (`growFetch`).
    let fetchSize = fetchSizeOption ?? prepared.fetchBuffer
    let cursor = this.nextCursorName()
    let opened = false
    let closed = false
    let finished = false
    const openRequest = () => openBatch(prepared, cursor, binds, fetchSize)
    yield* Effect.addFinalizer((exit) =>
      Effect.suspend(() => {
        if (!opened || closed) return Effect.void
        closed = true
        return this.owned(this.closeCursorAfter(prepared, exit))
      })
    )
    const fetch = Effect.gen({ self: this }, function*() {
      if (opened && fetchSizeOption === undefined) fetchSize = growFetch(fetchSize, prepared.fetchBuffer, this.framing)
      const opening = !opened
      const request: ReadonlyArray<RequestPart> = opening
        ? openRequest()
        : [id(prepared.id), ...fetchRequest(prepared.columns, fetchSize)]
      // From here on the cursor may be open (even if this batch fails half-way): the finalizer closes it.
      opened = true
      // A stream may be consumed slowly: its timeout bounds each round trip, not the stream's whole life.
      const pullStmt = yield* renew(stmt)
      const reply = yield* opening && refresh !== undefined
        ? Effect.catchIf(
          this.roundTrip(request, pullStmt),
          (error): error is SqlError => error._tag === "SqlError" && STALE_STATEMENT_CODES.has(error.sqlcode),
          (error) =>
            // The OPEN failed on a statement of the cache the server no longer knows: once more on a fresh one.
            Effect.flatMap(refresh, (fresh) => {
              if (fresh === undefined) return Effect.fail(error)
              prepared = fresh
              cursor = this.nextCursorName()
              return this.roundTrip(openRequest(), pullStmt)
            })
        )
        : this.roundTrip(request, pullStmt)
      // Closed by the server (OPTOFC): nothing for us to close, whatever happens next.
      if (closedByServer(reply)) closed = true
      const rows: Array<Array<Value>> = []
      yield* this.decodeTuples(prepared, reply, rows, pullStmt)
      if (reply.some(isDone) || rows.length === 0) {
        finished = true
        if (!closed) yield* reply.some(isDone) ? this.closeExhausted(prepared) : this.closeCursor(prepared)
        closed = true
      }
      return rows
    })
    const loop = (): Effect.Effect<ReadonlyArray<A>, InformixError | Cause.Done> =>
      finished
        ? Cause.done()
        : Effect.flatMap(
          this.ownedStatement(fetch),
          (rows) => rows.length === 0 ? loop() : Effect.succeed(shape(rows, prepared.keys))
        )
    const pull = Effect.suspend(loop)
    return Stream.fromPull(
      Effect.succeed(pull as Effect.Effect<readonly [A, ...Array<A>], InformixError | Cause.Done>)
    )
  })
}
