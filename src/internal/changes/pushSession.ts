/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * A push-data session as IBM JDBC 15's `IfxSmartTrigger` runs one (JDBC-PAM-TRIGGERS-CDC.md §2): on a connection of
 * its own to `sysadmin`, `task('pushdata open')` (or `'pushdata join'` with a saved session id) → the fd events are
 * read from, `'pushdata setdetach'` for a detachable session, `'pushdata register'` with the session options and then
 * once per watched query; SQ_LODATA reads of the fd, one JSON document each. When the stream ends (done, failed or
 * interrupted): `'pushdata deregister'` per label, or `'pushdata delete'` of a detachable session unless it is kept
 * for a later join; then the connection closes (which ends a non-detachable session on the server anyway).
 *
 * The JSON sent is the relaxed form JDBC writes (unquoted keys, every value a quoted string, nothing escaped): a
 * value holding `"` cannot be sent, so it is refused before anything reaches the server.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../../Connection.ts"
import type { SmartTriggerOptions, TriggerEvent, Watch } from "../../InformixChanges.ts"
import { ConfigError, type InformixError } from "../../InformixError.ts"
import { ConnectionImpl } from "../connection/connectionImpl.ts"
import { readLoDataOnce } from "../connection/smartLobs.ts"
import { type CdcFailure, decodeWith } from "./cdcSession.ts"
import { parsePushDocument } from "./pushEvents.ts"

const PUSH_DATABASE = "sysadmin"
const DEFAULT_TIMEOUT_SECONDS = 5
/** IBM JDBC's read size (IfxSmartTrigger's bufferSize default). */
const DEFAULT_BUFFER = 66560
/** IBM JDBC checks an explicit label's length client-side. */
const MAX_LABEL = 32

/** The relaxed JSON JDBC sends: `{key:"value", ...}`, undefined fields left out. */
const relaxedJson = (fields: Record<string, string | number | undefined>): string =>
  `{${Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}:"${String(v)}"`).join(", ")}}`

const task = <E>(
  conn: Connection.Connection,
  fail: CdcFailure<E>,
  command: string,
  argument?: string
): Effect.Effect<string, InformixError | E> =>
  Effect.flatMap(
    conn.values(
      argument === undefined ? "EXECUTE FUNCTION informix.task(?)" : "EXECUTE FUNCTION informix.task(?, ?)",
      argument === undefined ? [command] : [command, argument]
    ),
    (rows) => {
      const result = rows[0]?.[0]
      return typeof result === "string"
        ? Effect.succeed(result.trim())
        : Effect.fail(fail(0, `task('${command}') returned no text`))
    }
  )

/** A task whose answer must be OK (JDBC: anything else is the server's reason). */
const taskOk = <E>(conn: Connection.Connection, fail: CdcFailure<E>, command: string, argument: string) =>
  Effect.flatMap(task(conn, fail, command, argument), (result) =>
    result.toUpperCase() === "OK"
      ? Effect.void
      : Effect.fail(fail(0, `task('${command}') failed: ${result}`)))

const labelOf = (watch: Watch<unknown>, i: number) => watch.label ?? `push_${i + 1}`

const bad = (field: string, message: string) => Effect.fail(new ConfigError({ field, message }))

const checkOptions = <A>(options: SmartTriggerOptions<A>) => {
  const timeout = Duration.fromInput(options.timeout ?? Duration.seconds(DEFAULT_TIMEOUT_SECONDS))
  if (Option.isNone(timeout) || Duration.isNegative(timeout.value)) return bad("timeout", "not a valid duration")
  const bufferSize = options.bufferSize ?? DEFAULT_BUFFER
  if (!Number.isInteger(bufferSize) || bufferSize < 64 || bufferSize > 0x7fffffff) {
    return bad("bufferSize", "bufferSize must be an integer of at least 64")
  }
  const maxPendingOps = options.maxPendingOps ?? 0
  if (!Number.isInteger(maxPendingOps) || maxPendingOps < 0) {
    return bad("maxPendingOps", "maxPendingOps must be a non-negative integer (0: unlimited)")
  }
  if (options.join === undefined && options.watches.length === 0) return bad("watches", "nothing to watch")
  const labels = new Set<string>()
  for (const [i, w] of options.watches.entries()) {
    const label = labelOf(w, i)
    if (label.length > MAX_LABEL) return bad("watches", `label '${label}' is longer than ${MAX_LABEL} characters`)
    if (labels.has(label)) return bad("watches", `label '${label}' is used twice`)
    labels.add(label)
    for (
      const [name, value] of Object.entries({
        table: w.table,
        owner: w.owner,
        database: w.database,
        query: w.query,
        label
      })
    ) {
      if (value?.includes("\"")) return bad("watches", `${name} may not contain '"' (the server's JSON is not escaped)`)
    }
  }
  return Effect.succeed({ timeout: Math.ceil(Duration.toSeconds(timeout.value)), bufferSize, maxPendingOps })
}

export const pushStream = <A, E>(
  options: SmartTriggerOptions<A>,
  fail: CdcFailure<E>
): Stream.Stream<TriggerEvent<A>, InformixError | E> =>
  Stream.unwrap(Effect.gen(function*() {
    const { bufferSize, maxPendingOps, timeout } = yield* checkOptions(options)
    const settings = typeof options.connection === "string"
      ? { url: options.connection, database: PUSH_DATABASE }
      : { ...options.connection, database: PUSH_DATABASE }
    const conn = yield* Connection.make(settings)
    if (!(conn instanceof ConnectionImpl)) return yield* Effect.die("a Connection that is not the driver's own")
    const detachable = options.detachable === true || options.join !== undefined
    const opened = options.join === undefined
      ? yield* task(conn, fail, "pushdata open")
      : yield* task(conn, fail, "pushdata join", relaxedJson({ session_id: options.join }))
    const fd = Number(opened)
    if (!/^\d+$/.test(opened) || fd > 0xffff) {
      return yield* Effect.fail(fail(0, `task('pushdata ${options.join === undefined ? "open" : "join"}'): ${opened}`))
    }
    const sessionId = options.join ?? (detachable ? yield* task(conn, fail, "pushdata setdetach") : undefined)
    const registered: Array<string> = []
    // Runs when the stream ends, however it ends: the server keeps nothing of a session not meant to be kept.
    yield* Effect.addFinalizer(() =>
      Effect.ignore(Effect.gen(function*() {
        if (options.keep === true && sessionId !== undefined) return
        if (sessionId !== undefined) {
          return yield* taskOk(conn, fail, "pushdata delete", relaxedJson({ session_id: sessionId }))
        }
        for (const label of registered) yield* taskOk(conn, fail, "pushdata deregister", relaxedJson({ label }))
      }))
    )
    yield* taskOk(
      conn,
      fail,
      "pushdata register",
      relaxedJson({ timeout, max_pending_ops: maxPendingOps, maxrecs: 1 })
    )
    const decoders = new Map<string, ReturnType<typeof decodeWith<A>>>()
    for (const [i, w] of options.watches.entries()) {
      const label = labelOf(w, i)
      decoders.set(label, decodeWith(w.schema, `${w.database}:${w.table}`, "push data"))
      // A joined session keeps its registrations: the watches only say how to decode their labels.
      if (options.join !== undefined) continue
      yield* taskOk(
        conn,
        fail,
        "pushdata register",
        relaxedJson({ table: w.table, owner: w.owner, database: w.database, query: w.query, label })
      )
      registered.push(label)
    }

    let skippedTotal = 0
    const decode = (label: string, row: Record<string, unknown>) =>
      (decoders.get(label) ?? decodeWith<A>(undefined, label, "push data"))(row as Connection.Row)
    // One read: one document; reads until one yields an event.
    const nextEvent: Effect.Effect<TriggerEvent<A>, InformixError | E> = Effect.gen(function*() {
      while (true) {
        const doc = parsePushDocument(yield* readLoDataOnce(conn, fd, bufferSize))
        if (doc === undefined) continue
        switch (doc._tag) {
          case "Failure":
            return yield* Effect.fail(fail(0, doc.message))
          case "Timeout":
            if (options.idle === true) return { _tag: "Idle" }
            continue
          case "SkipCount": {
            const lost = Math.max(0, doc.total - skippedTotal)
            skippedTotal = Math.max(skippedTotal, doc.total)
            return { _tag: "Skipped", total: doc.total, lost }
          }
          case "Event": {
            const event = doc.event
            switch (event._tag) {
              case "Insert":
              case "Delete":
                return { ...event, row: yield* decode(event.label, event.row) }
              case "Update":
                return {
                  ...event,
                  before: event.before === undefined ? undefined : yield* decode(event.label, event.before),
                  after: yield* decode(event.label, event.after)
                }
            }
          }
        }
      }
    })
    return Stream.concat(
      Stream.succeed<TriggerEvent<A>>({ _tag: "Attached", sessionId }),
      Stream.fromEffectRepeat(nextEvent)
    )
  }))
