/**
 * A CDC session as IBM JDBC 15's `CDCEngine` runs one (JDBC-PAM-TRIGGERS-CDC.md §3.2–§3.3): on a connection of its
 * own to `syscdcv1`, the server name from `sysmaster:sysenv`, `cdc_opensess(server, 0, timeout, n, 1, 1)` → the
 * session id (also the smart-LO fd the records are read from), per table `cdc_set_fullrowlogging(t, 1)` and
 * `cdc_startcapture(id, 0, t, columns, label)`, then `cdc_activatesess(id, from)`; SQ_LODATA reads of the fd,
 * each returning whole records (JDBC opens with max_records 1, one record per read; this asks for more).
 * When the stream ends (done, failed or interrupted): `cdc_endcapture` per table, full-row logging off if asked,
 * `cdc_closesess`, then the connection closes (which ends the CDC session on the server anyway).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Connection from "../../Connection.ts"
import type { CdcOptions, ChangeEvent } from "../../InformixChanges.ts"
import { ConfigError, type InformixError, ResultDecodeError } from "../../InformixError.ts"
import { ConnectionImpl } from "../connection/connectionImpl.ts"
import { readLoDataOnce } from "../connection/smartLobs.ts"
import { decodeCdcRecords } from "../protocol/cdcRecords.ts"
import { ProtocolCodecError } from "../protocol/protocolCodecError.ts"
import { EventAssembler } from "./cdcEvents.ts"

const CDC_DATABASE = "syscdcv1"
const DEFAULT_TIMEOUT_SECONDS = 5
const DEFAULT_BUFFER = 65536
/**
 * Records one read may return (cdc_opensess's max_records; IBM JDBC asks for 1, one round trip per record): as many
 * as are ready and fit `bufferSize`, so a backlog is read in few round trips.
 */
const MAX_RECORDS = 256

/** How the public module builds its ChangeStreamError (kept there, so this file does not import it at runtime). */
export type CdcFailure<E> = (code: number, message: string) => E

const call = <E>(
  conn: Connection.Connection,
  routine: string,
  args: ReadonlyArray<unknown>,
  fail: CdcFailure<E>,
  expectZero = true
): Effect.Effect<number, InformixError | E> =>
  Effect.flatMap(
    conn.values(`EXECUTE FUNCTION informix.${routine}(${args.map(() => "?").join(", ")})`, args),
    (rows) => {
      const result = Number(rows[0]?.[0])
      if (!Number.isInteger(result)) return Effect.fail(fail(0, `${routine} returned no integer`))
      return (expectZero ? result !== 0 : result < 0)
        ? Effect.fail(fail(result, `${routine} failed with CDC error ${result}`))
        : Effect.succeed(result)
    }
  )

const columnsOf = (conn: Connection.Connection, table: string) =>
  Effect.scoped(
    Effect.map(conn.prepare(`SELECT FIRST 1 * FROM ${table}`), (p) => p.columns.map((c) => c.name.trim()))
  )

/** Decodes a row image with the table's Schema; `source` names the stream in the error's `sql` (CDC, push data). */
export const decodeWith = <A>(schema: Schema.Decoder<A> | undefined, table: string, source = "CDC") => {
  if (schema === undefined) return (row: Connection.Row) => Effect.succeed(row as A)
  const decode = Schema.decodeUnknownEffect(schema)
  return (row: Connection.Row) =>
    Effect.mapError(
      decode(row),
      (e) => new ResultDecodeError({ message: `${table}: ${e.message}`, sql: `${source} ${table}` })
    )
}

export const cdcStream = <A, E>(
  options: CdcOptions<A>,
  fail: CdcFailure<E>
): Stream.Stream<ChangeEvent<A>, InformixError | E> =>
  Stream.unwrap(Effect.gen(function*() {
    const timeout = Duration.fromInput(options.timeout ?? Duration.seconds(DEFAULT_TIMEOUT_SECONDS))
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER
    if (Option.isNone(timeout) || Duration.isNegative(timeout.value)) {
      return yield* new ConfigError({ message: "timeout is not a valid duration", field: "timeout" })
    }
    if (!Number.isInteger(bufferSize) || bufferSize < 64 || bufferSize > 0x7fffffff) {
      return yield* new ConfigError({ message: "bufferSize must be an integer of at least 64", field: "bufferSize" })
    }
    if (options.tables.length === 0) {
      return yield* new ConfigError({ message: "no table to capture", field: "tables" })
    }
    const settings = typeof options.connection === "string"
      ? { url: options.connection, database: CDC_DATABASE }
      : { ...options.connection, database: CDC_DATABASE }
    const conn = yield* Connection.make(settings)
    if (!(conn instanceof ConnectionImpl)) return yield* Effect.die("a Connection that is not the driver's own")
    const server = yield* conn.values("SELECT env_value FROM sysmaster:sysenv WHERE env_name = ?", [
      "INFORMIXSERVER"
    ])
    const serverName = String(server[0]?.[0] ?? "").trim()
    const id = yield* call(
      conn,
      "cdc_opensess",
      [serverName, 0, Math.ceil(Duration.toSeconds(timeout.value)), MAX_RECORDS, 1, 1],
      fail,
      false
    )
    const started: Array<string> = []
    // Runs when the stream ends, however it ends: the session is not left behind.
    yield* Effect.addFinalizer(() =>
      Effect.ignore(Effect.gen(function*() {
        for (const table of started) {
          yield* call(conn, "cdc_endcapture", [id, 0, table], fail)
          if (options.stopLoggingOnClose === true) yield* call(conn, "cdc_set_fullrowlogging", [table, 0], fail)
        }
        yield* call(conn, "cdc_closesess", [id], fail)
      }))
    )
    const labels = new Map<number, string>()
    const decoders = new Map<string, ReturnType<typeof decodeWith<A>>>()
    for (const [i, t] of options.tables.entries()) {
      const label = i + 1
      const columns = t.columns ?? (yield* columnsOf(conn, t.table))
      yield* call(conn, "cdc_set_fullrowlogging", [t.table, 1], fail)
      yield* call(conn, "cdc_startcapture", [id, 0n, t.table, columns.join(","), label], fail)
      started.push(t.table)
      labels.set(label, t.table)
      decoders.set(t.table, decodeWith(t.schema, t.table))
    }
    yield* call(conn, "cdc_activatesess", [id, options.from ?? 0n], fail)

    const assembler = new EventAssembler(labels, { charset: conn.settings.values.charset }, options.idle === true)
    const decode = (table: string, row: Connection.Row) => decoders.get(table)!(row)
    const decoded = (event: ChangeEvent): Effect.Effect<ChangeEvent<A>, InformixError> => {
      switch (event._tag) {
        case "Insert":
        case "Delete":
          return Effect.map(decode(event.table, event.row), (row) => ({ ...event, row }))
        case "Update":
          return Effect.map(
            Effect.all([decode(event.table, event.before), decode(event.table, event.after)]),
            ([before, after]) => ({ ...event, before, after })
          )
        default:
          return Effect.succeed(event)
      }
    }
    // One read: up to MAX_RECORDS records (whole ones, as they fit); reads until one yields an event.
    const nextEvents: Effect.Effect<ReadonlyArray<ChangeEvent<A>>, InformixError | E> = Effect.gen(function*() {
      while (true) {
        const records = decodeCdcRecords(yield* readLoDataOnce(conn, id, bufferSize))
        if (records instanceof ProtocolCodecError) return yield* Effect.fail(fail(0, records.message))
        const events: Array<ChangeEvent<A>> = []
        for (const record of records) {
          const event = assembler.apply(record)
          if (event === undefined) continue
          if (event._tag === "AssemblyFailure") return yield* Effect.fail(fail(event.code, event.message))
          events.push(yield* decoded(event))
        }
        if (events.length > 0) return events
      }
    })
    return Stream.fromIterableEffectRepeat(nextEvents)
  }))
