/**
 * The password never appears in errors, logs or spans.
 *
 * Every scenario runs with a distinctive password, under a collecting Logger (every level) and a recording Tracer
 * (wrapping Effect's native one, so every span's name, attributes, events and end status can be inspected), and
 * logs each failure the way an application would (`Effect.logError(cause)`). Then the password — plain, hex and
 * base64, and its URL-encoded form — must be absent from: each error's message, `String(error)`, `JSON.stringify`,
 * `util.inspect`, the Schema-encoded form, `Cause.pretty`; every log line; every span.
 *
 * Scenarios: a wrong password (the distinctive one is the attempt), the right one followed by failing statements
 * (syntax error, injected SQ_ERR, statement timeout, corrupt frame, dropped connection), a URL with the password
 * and an invalid parameter, a refused connection, a failed TLS handshake, a pool checkout timeout, the effect/sql
 * client, and the configuration a client keeps (`client.config`, its `url` given as a string or read from
 * INFORMIX_URL), logged as an application would.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import * as Tracer from "effect/Tracer"
import * as Net from "node:net"
import * as Util from "node:util"
import * as Connection from "../../src/Connection.ts"
import * as InformixClient from "../../src/InformixClient.ts"
import { InformixError, isInformixError } from "../../src/InformixError.ts"
import * as Pool from "../../src/Pool.ts"
import * as TestServer from "../../src/TestServer.ts"

const SECRET = "Pw!distinct-8u7Y+q"

/** Every form the secret could leak in. */
const forms = [
  SECRET,
  encodeURIComponent(SECRET),
  Buffer.from(SECRET).toString("hex"),
  Buffer.from(SECRET).toString("base64")
]

const assertClean = (where: string, text: string) => {
  for (const form of forms) assert.notInclude(text, form, `the password appears in ${where}`)
}

/** A span as text: name, attributes, events and end status (the exit, with any error). */
const spanText = (span: Tracer.Span): string => {
  const native = span as Tracer.Span & {
    readonly events?: ReadonlyArray<unknown>
  }
  return Util.inspect(
    {
      name: span.name,
      attributes: Object.fromEntries(span.attributes),
      events: native.events,
      status: span.status
    },
    { depth: 8 }
  )
}

/** Collects everything the scenario logs (all levels, JSON-formatted with the cause) and every span it starts. */
const makeCapture = () => {
  const lines: Array<string> = []
  const spans: Array<Tracer.Span> = []
  const logger = Logger.make((options) => {
    lines.push(Logger.formatJson.log(options))
    lines.push(Cause.pretty(options.cause))
  })
  const tracer = Tracer.make({
    span(options) {
      const span = Tracer.nativeTracer.span(options)
      spans.push(span)
      return span
    }
  })
  const run = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.withTracer(tracer),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  const check = () => {
    assert.isAbove(lines.length, 0, "the logger captured the failures")
    for (const line of lines) assertClean("a log line", line)
    for (const span of spans) assertClean(`span ${span.name}`, spanText(span))
    return { lines: lines.length, spans: spans.length }
  }
  return { run, check, spans }
}

const encodeError = Schema.encodeUnknownSync(InformixError)

/** Every rendering of a failure must be clean; the failure is logged like an application would. */
const failed = <A, E>(label: string, effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect.pipe(Effect.tapCause((cause) => Effect.logError(label, cause))))
    assert.isTrue(Exit.isFailure(exit), `${label}: expected a failure`)
    const cause = (exit as Exit.Failure<A, E>).cause
    assertClean(`${label}: Cause.pretty`, Cause.pretty(cause))
    const error = Cause.squash(cause)
    assertClean(`${label}: String(error)`, String(error))
    assertClean(`${label}: util.inspect`, Util.inspect(error, { depth: 8 }))
    assertClean(`${label}: JSON`, JSON.stringify(error) ?? "")
    if (error instanceof Error) {
      assertClean(`${label}: message`, error.message)
      assertClean(`${label}: stack`, error.stack ?? "")
    }
    if (isInformixError(error)) assertClean(`${label}: Schema encoding`, JSON.stringify(encodeError(error)))
    return error
  })

const tagOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error)

describe("the password never appears in errors, logs or spans", () => {
  it.live(
    "wrong password, failing statements, bad URL, refused, TLS, pool timeout, effect/sql",
    () =>
      Effect.gen(function*() {
        const capture = makeCapture()
        const server = yield* TestServer.make({ users: { informix: SECRET } })
        const other = yield* TestServer.make({ users: { informix: "something-else" } })
        const url =
          `informix://informix:${encodeURIComponent(SECRET)}@${server.host}:${server.port}/${server.database}` +
          `?server=${server.serverName}`

        yield* capture.run(Effect.gen(function*() {
          // The distinctive password is the failed attempt.
          const auth = yield* failed(
            "wrong password",
            Effect.scoped(Connection.make({
              host: other.host,
              port: other.port,
              server: other.serverName,
              database: other.database,
              user: "informix",
              password: Redacted.make(SECRET)
            }))
          )
          assert.strictEqual(tagOf(auth), "AuthenticationError")

          // The right password, through the URL form; then statements that fail in every way.
          yield* Effect.scoped(Effect.gen(function*() {
            const conn = yield* Connection.make({ url, queryTimeout: "1 second", drainTimeout: "300 millis" })
            yield* conn.values("SELECT tabid FROM systables WHERE tabid = ?", [1])
            assert.strictEqual(tagOf(yield* failed("syntax error", conn.values("SELEC x FRM y"))), "SqlError")
            yield* server.faults.failNextStatement({ sqlcode: -244, isamCode: -107 })
            assert.strictEqual(
              tagOf(yield* failed("injected error", conn.values("SELECT tabid FROM systables"))),
              "SqlError"
            )
            assert.strictEqual(
              tagOf(yield* failed("statement timeout", conn.execute(TestServer.sleepSql(10)))),
              "SqlError"
            )
            yield* server.faults.corruptNextReply({ _tag: "UnknownOpcode" })
            assert.strictEqual(
              tagOf(yield* failed("corrupt frame", conn.values("SELECT tabid FROM systables"))),
              "ProtocolError"
            )
            assert.strictEqual(
              tagOf(yield* failed("retired session", conn.values("SELECT 1 FROM systables"))),
              "ConnectionError"
            )
          }))
          yield* Effect.scoped(Effect.gen(function*() {
            const conn = yield* Connection.make(url)
            yield* server.dropConnections
            assert.strictEqual(
              tagOf(yield* failed("dropped connection", conn.values("SELECT 1 FROM systables"))),
              "ConnectionError"
            )
          }))

          const config = yield* failed("bad URL parameter", Effect.scoped(Connection.make(`${url}&frobnicate=1`)))
          assert.strictEqual(tagOf(config), "ConfigError")
          const badPort = yield* failed(
            "bad URL port",
            Effect.scoped(Connection.make(url.replace(`:${server.port}/`, ":99999/")))
          )
          assert.strictEqual(tagOf(badPort), "ConfigError")

          // Nothing listens on a port we just closed.
          const closedPort = yield* Effect.callback<number>((resume) => {
            const probe = Net.createServer()
            probe.listen(0, "127.0.0.1", () => {
              const port = (probe.address() as Net.AddressInfo).port
              probe.close(() => resume(Effect.succeed(port)))
            })
          })
          const refused = yield* failed(
            "refused",
            Effect.scoped(Connection.make(url.replace(`:${server.port}/`, `:${closedPort}/`)))
          )
          assert.strictEqual(tagOf(refused), "ConnectionError")

          // TLS to the plain port: the handshake fails (or the connect deadline passes).
          const tls = yield* failed(
            "tls handshake",
            Effect.scoped(Connection.make({ url, tls: true, connectTimeout: "2 seconds" }))
          )
          assert.strictEqual(tagOf(tls), "ConnectionError")

          // A pool whose only session is leased: the second checkout times out.
          yield* Effect.scoped(Effect.gen(function*() {
            const pool = yield* Pool.make({ url, maxConnections: 1, acquireTimeout: "200 millis" })
            const timeout = yield* pool.use(() => failed("pool timeout", pool.use(() => Effect.void)))
            assert.strictEqual(tagOf(timeout), "PoolTimeoutError")
          }))

          // The client keeps its configuration, URL included, with the password hidden: given as a string, or read
          // from INFORMIX_URL.
          const configOf = (layer: Layer.Layer<InformixClient.InformixClient, unknown>) =>
            Effect.map(InformixClient.InformixClient, (client) => client.config).pipe(
              Effect.provide(Layer.fresh(layer)),
              Effect.orDie
            )
          const env = ConfigProvider.fromEnv({ env: { INFORMIX_URL: url } })
          for (
            const [label, kept] of [
              ["client.config", yield* configOf(InformixClient.layer({ url, maxConnections: 1 }))],
              [
                "client.config from INFORMIX_URL",
                yield* configOf(InformixClient.layerConfig()).pipe(
                  Effect.provideService(ConfigProvider.ConfigProvider, env)
                )
              ]
            ] as const
          ) {
            assert.isTrue(Redacted.isRedacted(kept.url), `${label}: url is Redacted`)
            assertClean(`${label}: util.inspect`, Util.inspect(kept, { depth: 8 }))
            assertClean(`${label}: JSON`, JSON.stringify(kept))
            assertClean(`${label}: String`, String(kept.url))
            yield* Effect.logInfo("client config", kept)
          }

          // effect/sql: the SqlError wraps the Informix error as its cause.
          const sqlError = yield* failed(
            "effect/sql",
            Effect.gen(function*() {
              const sql = yield* SqlClient.SqlClient
              return yield* sql.unsafe("SELEC broken")
            }).pipe(
              Effect.provide(Layer.fresh(InformixClient.layer({ url, maxConnections: 1 })))
            )
          )
          assertClean("effect/sql cause", Util.inspect((sqlError as { cause?: unknown }).cause, { depth: 8 }))
        }))

        const seen = capture.check()
        assert.isAbove(seen.spans, 0, "the tracer recorded the driver's spans")
        assert.isTrue(
          capture.spans.some((span) => span.name.startsWith("informix.")),
          "statement spans were recorded"
        )
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )
})
