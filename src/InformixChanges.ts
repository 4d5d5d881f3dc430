/**
 * Change streams: the rows a database commits, as an Effect `Stream`, over Informix's Change Data Capture API
 * (the `syscdcv1` database's `cdc_*` routines, the API IBM JDBC's `com.informix.jdbc.stream.cdc` engine wraps).
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

/**
 * The CDC session failed: a `cdc_*` routine returned an error code (IBM CDC_E_*, e.g. −83705 no such table,
 * −83713 the requested position is no longer available), the server sent an ERROR record (`sessionDead`: the
 * session cannot go on), or a record could not be decoded (`code` 0).
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
