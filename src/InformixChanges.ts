/**
 * Change streams: the rows a database commits, as an Effect `Stream`, over Informix's Change Data Capture API
 * (the `syscdcv1` database's `cdc_*` routines, the API IBM JDBC's `com.informix.jdbc.stream.cdc` engine wraps) with
 * {@link cdc}, or over its push-data feature (smart triggers: the sysadmin `task('pushdata ...')` commands IBM
 * JDBC's `IfxSmartTrigger` sends) with {@link smartTrigger}.
 *
 * {@link cdc} opens a connection of its own to `syscdcv1`, turns full-row logging on for the tables, starts capture
 * and reads the session's change records one by one: `Begin`, then the transaction's `Insert` / `Update` (before and
 * after image) / `Delete` events, then `Commit`, in commit order; rolled-back work never appears. Each event carries
 * its `position` (the server's sequence number): persist the position of the last `Commit` you have processed and
 * pass it as `from` to resume after it. Restarting from a position inside a transaction replays that whole
 * transaction (at-least-once).
 *
 * Backpressure: the stream reads the next record only when the consumer pulls, and the server keeps the changes
 * meanwhile, so a slow consumer loses nothing. Interrupting the stream ends capture (`cdc_endcapture`) and closes
 * the CDC session (`cdc_closesess`), then the connection.
 *
 * {@link smartTrigger} watches queries rather than tables: an event per committed row change that the query selects
 * (no transaction boundaries, no resume position; the server discards events beyond `maxPendingOps` and says so).
 *
 * @example
 * ```ts
 * import { InformixChanges } from "effect-informix"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = InformixChanges.cdc({
 *   connection: "informix://informix@localhost:9088/stores?server=ol_informix",
 *   tables: [{ table: "stores:informix.orders" }]
 * }).pipe(
 *   Stream.runForEach((event) => Effect.log(event._tag, event.position))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as Connection from "./Connection.ts"
import type { InformixError } from "./InformixError.ts"
import { cdcStream } from "./internal/changes/cdcSession.ts"
import { pushStream } from "./internal/changes/pushSession.ts"

/**
 * A change stream failed. CDC: a `cdc_*` routine returned an error code (IBM CDC_E_*, e.g. −83705 no such table,
 * −83713 the requested position is no longer available), the server sent an ERROR record (`sessionDead`: the
 * session cannot go on), or a record could not be decoded (`code` 0). Smart triggers (`code` 0): a `task('pushdata
 * ...')` command was refused (the message carries the server's answer), the server reported `ifx_error` (a read too
 * small for the next event) or sent a document that is not an event.
 *
 * @since 0.1.0
 * @category errors
 */
export class ChangeStreamError extends Schema.TaggedError<ChangeStreamError>(
  "effect-informix/ChangeStreamError"
)("ChangeStreamError", {
  message: Schema.String,
  code: Schema.Number
}) {}

/**
 * A transaction starts (its first captured change follows).
 *
 * @since 0.1.0
 * @category models
 */
export interface Begin {
  readonly _tag: "Begin"
  readonly position: bigint
  readonly transactionId: number
  /** When the transaction's first captured change was written (seconds precision). */
  readonly time: Date
}

/**
 * A transaction committed: every change of it has been delivered. Its `position` is the one to persist.
 *
 * @since 0.1.0
 * @category models
 */
export interface Commit {
  readonly _tag: "Commit"
  readonly position: bigint
  readonly transactionId: number
  /** Commit time (seconds precision). */
  readonly time: Date
}

/**
 * A row was inserted.
 *
 * @since 0.1.0
 * @category models
 */
export interface Insert<A = Connection.Row> {
  readonly _tag: "Insert"
  readonly position: bigint
  readonly transactionId: number
  /** The table as given in {@link CaptureTable.table}. */
  readonly table: string
  readonly row: A
}

/**
 * A row was updated: its captured columns before and after.
 *
 * @since 0.1.0
 * @category models
 */
export interface Update<A = Connection.Row> {
  readonly _tag: "Update"
  readonly position: bigint
  readonly transactionId: number
  readonly table: string
  readonly before: A
  readonly after: A
}

/**
 * A row was deleted (its captured columns as they were).
 *
 * @since 0.1.0
 * @category models
 */
export interface Delete<A = Connection.Row> {
  readonly _tag: "Delete"
  readonly position: bigint
  readonly transactionId: number
  readonly table: string
  readonly row: A
}

/**
 * Records a real server may send that TestServer does not produce: a rolled-back transaction whose changes had
 * been sent (`Rollback`: drop them), changes of a transaction from `position` on that were undone (`Discard`), a
 * TRUNCATE of a captured table.
 *
 * @since 0.1.0
 * @category models
 */
export type Other =
  | { readonly _tag: "Rollback" | "Discard"; readonly position: bigint; readonly transactionId: number }
  | { readonly _tag: "Truncate"; readonly position: bigint; readonly transactionId: number; readonly table: string }

/**
 * Nothing committed for the session's `timeout` (only with {@link CdcOptions.idle}): capture is running and
 * `position` is the last one delivered. The first one also tells that capture has started.
 *
 * @since 0.1.0
 * @category models
 */
export interface Idle {
  readonly _tag: "Idle"
  readonly position: bigint
}

/**
 * One change event.
 *
 * @since 0.1.0
 * @category models
 */
export type ChangeEvent<A = Connection.Row> = Begin | Commit | Insert<A> | Update<A> | Delete<A> | Other | Idle

/**
 * A table to capture.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaptureTable<A = Connection.Row> {
  /** `database:owner.table` (or `database:table`); the database must be logged. */
  readonly table: string
  /** The columns to capture (default: all, read from a describe of the table). */
  readonly columns?: ReadonlyArray<string> | undefined
  /** Decodes each row image (an object keyed by column name) into `A`; a failure fails the stream. */
  readonly schema?: Schema.Decoder<A> | undefined
}

/**
 * What {@link cdc} captures and how.
 *
 * @since 0.1.0
 * @category models
 */
export interface CdcOptions<A = Connection.Row> {
  /** Where the server is; the database is always `syscdcv1` (the CDC API's). */
  readonly connection: Connection.Options | string
  readonly tables: ReadonlyArray<CaptureTable<A>>
  /** Resume after this position (a `Commit` event's, persisted earlier). Default: changes committed from now on. */
  readonly from?: bigint | undefined
  /**
   * How long one read waits on the server for a change before it returns an idle heartbeat (IBM's session timeout;
   * default 5 seconds, whole seconds). Interrupting the stream does not wait for it where the urgent byte works.
   */
  readonly timeout?: Duration.Input | undefined
  /** Emit an {@link Idle} event for each idle `timeout` (default false: idle reads are not events). */
  readonly idle?: boolean | undefined
  /** Bytes per read; every record must fit (default 65536). */
  readonly bufferSize?: number | undefined
  /**
   * Turn full-row logging off when the stream ends (default false: changes made while no stream runs stay logged,
   * so a restart `from` a saved position loses nothing; IBM JDBC's CDC engine turns it off by default).
   */
  readonly stopLoggingOnClose?: boolean | undefined
}

/**
 * The changes committed to the given tables, as a `Stream` of {@link ChangeEvent}s in commit order.
 *
 * Failures: connection and SQL errors as `InformixError`; the CDC API's own errors as {@link ChangeStreamError}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cdc = <A = Connection.Row>(
  options: CdcOptions<A>
): Stream.Stream<ChangeEvent<A>, InformixError | ChangeStreamError> =>
  cdcStream(options, (code, message) => new ChangeStreamError({ code, message }))

/**
 * A watched row was inserted (or an update made it match the watch's query).
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerInsert<A = Connection.Row> {
  readonly _tag: "Insert"
  /** The watch's label (events of labels the stream did not register, e.g. on a joined session, pass too). */
  readonly label: string
  readonly table: string
  readonly owner: string
  readonly database: string
  /** The server's transaction id, when the event carries one. */
  readonly transactionId: number | undefined
  /** Commit time (seconds precision), when the event carries it. */
  readonly commitTime: Date | undefined
  /** The watch's projection of the new row. */
  readonly row: A
}

/**
 * A watched row was updated and still (or now) matches the watch's query: its projection after, and before when
 * the server sends it.
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerUpdate<A = Connection.Row> {
  readonly _tag: "Update"
  readonly label: string
  readonly table: string
  readonly owner: string
  readonly database: string
  readonly transactionId: number | undefined
  readonly commitTime: Date | undefined
  readonly before: A | undefined
  readonly after: A
}

/**
 * A row that matched the watch's query was deleted (its projection as it was).
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerDelete<A = Connection.Row> {
  readonly _tag: "Delete"
  readonly label: string
  readonly table: string
  readonly owner: string
  readonly database: string
  readonly transactionId: number | undefined
  readonly commitTime: Date | undefined
  readonly row: A
}

/**
 * The server discarded events: more than `maxPendingOps` were waiting for this stream (the server's
 * `ifx_warn_total_skipcount`). `lost` events are gone for good (between the events before and after this one);
 * `total` counts every loss of the session.
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerSkipped {
  readonly _tag: "Skipped"
  readonly total: number
  readonly lost: number
}

/**
 * Nothing matched for the session's `timeout` (the server's `ifx_isTimeout`; only with
 * {@link SmartTriggerOptions.idle}).
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerIdle {
  readonly _tag: "Idle"
}

/**
 * The first event: the watches are registered, so every change committed from now on is seen. `sessionId` is the
 * detachable session's id (persist it to {@link SmartTriggerOptions.join} later), undefined for a plain session.
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerAttached {
  readonly _tag: "Attached"
  readonly sessionId: string | undefined
}

/**
 * One smart-trigger event.
 *
 * @since 0.1.0
 * @category models
 */
export type TriggerEvent<A = Connection.Row> =
  | TriggerInsert<A>
  | TriggerUpdate<A>
  | TriggerDelete<A>
  | TriggerSkipped
  | TriggerIdle
  | TriggerAttached

/**
 * One watched query: the server pushes the rows of `table` it selects, each time a committed change makes a row
 * match (on the new row for inserts and updates, on the old row for deletes).
 *
 * The server's restrictions (HCL "Push data feature"): a logged database, a table with a primary key or unique
 * index, a SELECT of that table only (no joins, no subqueries) and no LOB or collection column in the projection.
 *
 * @since 0.1.0
 * @category models
 */
export interface Watch<A = Connection.Row> {
  readonly table: string
  /** Default: the server's (the connecting user). */
  readonly owner?: string | undefined
  readonly database: string
  /** `SELECT <columns> FROM <table> [WHERE <condition on that table>]`. */
  readonly query: string
  /** Names the watch in its events (at most 32 characters; default `push_<n>`, n its place in `watches`). */
  readonly label?: string | undefined
  /**
   * Decodes each row (the projection as an object: numbers, strings — CHAR blank-padded, DATE/DATETIME as the
   * server's text — and nulls) into `A`; a failure fails the stream.
   */
  readonly schema?: Schema.Decoder<A> | undefined
}

/**
 * What {@link smartTrigger} watches and how.
 *
 * @since 0.1.0
 * @category models
 */
export interface SmartTriggerOptions<A = Connection.Row> {
  /** Where the server is; the database is always `sysadmin` (the push-data API's). */
  readonly connection: Connection.Options | string
  /** What to watch; on a `join` the session's own registrations stay and these only say how to decode. */
  readonly watches: ReadonlyArray<Watch<A>>
  /**
   * How long one read waits on the server for an event before it returns an idle heartbeat (the session's
   * `timeout`; default 5 seconds, whole seconds). Interrupting the stream does not wait for it where the urgent byte
   * works.
   */
  readonly timeout?: Duration.Input | undefined
  /** Emit an {@link TriggerIdle} event for each idle `timeout` (default false). */
  readonly idle?: boolean | undefined
  /**
   * How many events the server keeps waiting for this stream (`max_pending_ops`; default 0, unlimited). Beyond it
   * the SERVER discards events and reports how many: a {@link TriggerSkipped} event. The stream itself reads only
   * when pulled, so a slow consumer costs nothing but server memory up to this bound.
   */
  readonly maxPendingOps?: number | undefined
  /** Bytes per read; every event document must fit (default 66560, IBM JDBC's). */
  readonly bufferSize?: number | undefined
  /** A session that outlives the connection (`pushdata setdetach`): its id is in the {@link TriggerAttached} event. */
  readonly detachable?: boolean | undefined
  /**
   * Re-attach to a detachable session by its id (events that arrived meanwhile are delivered first). Refused
   * (`ChangeStreamError`) while another connection holds the session — including the one just closed, until the
   * server has seen it close.
   */
  readonly join?: string | undefined
  /**
   * When the stream ends, keep the detachable session on the server for a later `join` (default false: it is
   * deleted).
   */
  readonly keep?: boolean | undefined
}

/**
 * Smart triggers (Informix push data, IBM JDBC's IfxSmartTrigger): the rows that committed changes make match the
 * watched queries, as a `Stream` of {@link TriggerEvent}s in commit order; rolled-back work never appears. The
 * first event is {@link TriggerAttached}.
 *
 * Interrupting the stream deregisters the watches (or deletes a detachable session, unless `keep`) and closes the
 * connection. Failures: connection and SQL errors as `InformixError`; a refused registration (the server's
 * reason), a read too small for an event (`ifx_error`) or an unreadable document as {@link ChangeStreamError}
 * (code 0); invalid options as `ConfigError`.
 *
 * @example
 * ```ts
 * import { InformixChanges } from "effect-informix"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = InformixChanges.smartTrigger({
 *   connection: "informix://informix@localhost:9088/sysadmin?server=ol_informix",
 *   watches: [{ table: "orders", database: "stores", query: "SELECT id, qty FROM orders WHERE qty > 10" }]
 * }).pipe(
 *   Stream.runForEach((event) => Effect.log(event._tag))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const smartTrigger = <A = Connection.Row>(
  options: SmartTriggerOptions<A>
): Stream.Stream<TriggerEvent<A>, InformixError | ChangeStreamError> =>
  pushStream(options, (code, message) => new ChangeStreamError({ code, message }))
