/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message and error unions */
/**
 * Server groups, login redirects and read-only secondaries (issue #20), against scripted servers: dead members
 * (closed ports, a listener that never answers) are skipped in order and listed in the error; a Connection
 * Manager's redirect (SL type 13) is followed with the target's INFORMIXSERVER, loops and too many hops fail typed;
 * the login accept's and the DBOPEN reply's 0x20 make the session `readOnly`, and `targetServerType` skips servers
 * of the other kind.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as Net from "node:net"
import * as Connection from "../src/Connection.ts"
import type * as InformixError from "../src/InformixError.ts"
import {
  acceptCommands,
  deadPort,
  type FakeServer,
  type FakeServerOptions,
  makeFakeServer
} from "./connection/fakeServer.ts"
import { failure } from "./connectionSupport.ts"
import { conaccWithTail, fromHex, hexChar, hexI16 } from "./protocol/golden.ts"

const fake = (options: FakeServerOptions = {}) => makeFakeServer(acceptCommands, options)

/** A listener that accepts the TCP connection and never answers the login. */
const silent: Effect.Effect<number, never, Scope.Scope> = Effect.acquireRelease(
  Effect.callback<Net.Server>((resume) => {
    // Reads (and drops) the login, so that the client's close is seen and `close` can complete.
    const server = Net.createServer((socket) => socket.on("error", () => {}).resume())
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.callback<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map((server) => (server.address() as Net.AddressInfo).port))

const member = (port: number, server = "ol_fake") => ({ host: "127.0.0.1", port, server })

const base: Connection.Options = {
  user: "tester",
  password: Redacted.make("secret"),
  database: "fakedb",
  connectTimeout: "2 seconds"
}

/** A login answered with a redirect (SL type 13, marker 103) carrying `detail`. */
const redirectTo = (detail: string): Uint8Array => fromHex(conaccWithTail("0067 0000" + hexChar(detail), 13))

/** A login accept with these warnings, read as JDBC reads it (marker 102 tail). */
const acceptWith = (warnings: number): Uint8Array =>
  fromHex(conaccWithTail("0066 000b00000000 0000 0000" + hexI16(warnings) + "0000 007f"))

const cm = (target: () => FakeServer | { readonly port: number; readonly name: string }) =>
  fake({
    connectResponse: () => {
      const to = target()
      return redirectTo(`${"name" in to ? to.name : "ol_fake"}:127.0.0.1:${to.port}`)
    }
  })

const connectionError = (error: InformixError.InformixError): InformixError.ConnectionError => {
  assert.strictEqual(error._tag, "ConnectionError", error.message)
  return error as InformixError.ConnectionError
}

describe("server groups", () => {
  it.live("tries the members in order: closed ports and a silent listener are skipped", () =>
    Effect.gen(function*() {
      const live = yield* fake()
      const servers = [member(yield* deadPort), member(yield* silent), member(yield* deadPort), member(live.port)]
      const conn = yield* Connection.make({ ...base, connectTimeout: "1 second", servers })
      assert.strictEqual(conn.port, live.port)
      assert.deepStrictEqual(yield* conn.execute("INSERT INTO t VALUES (1)"), { rowsAffected: 1 })
      assert.strictEqual(live.logins.length, 1)
    }).pipe(Effect.scoped))

  it.live("when every member fails, reason Unavailable lists each attempt with its own error", () =>
    Effect.gen(function*() {
      const rejecting = yield* fake()
      const [a, b] = [yield* deadPort, yield* deadPort]
      const servers = [member(a, "ol_a"), member(b, "ol_b"), member(rejecting.port, "ol_c")]
      const error = connectionError(
        failure(yield* Effect.exit(Connection.make({ ...base, password: Redacted.make("wrong"), servers })))
      )
      assert.strictEqual(error.reason, "Unavailable")
      assert.deepStrictEqual(
        error.attempts?.map((x) => [x.server, x.port, x.error, x.reason ?? x.sqlcode]),
        [["ol_a", a, "ConnectionError", "Refused"], ["ol_b", b, "ConnectionError", "Refused"], [
          "ol_c",
          rejecting.port,
          "AuthenticationError",
          -951
        ]]
      )
      assert.match(error.message, new RegExp(`ol_a@127\\.0\\.0\\.1:${a} \\(Refused`))
      assert.strictEqual((error.cause as InformixError.InformixError)._tag, "AuthenticationError")
      assert.notInclude(JSON.stringify(error), "wrong")
    }).pipe(Effect.scoped))

  it.live("a group of one fails with the member's own error", () =>
    Effect.gen(function*() {
      const error = connectionError(
        failure(yield* Effect.exit(Connection.make({ ...base, servers: [member(yield* deadPort)] })))
      )
      assert.strictEqual(error.reason, "Refused")
      assert.isUndefined(error.attempts)
    }).pipe(Effect.scoped))

  it.live("randomStart starts at a random member; without it, always at the first", () =>
    Effect.gen(function*() {
      const [one, two] = [yield* fake(), yield* fake()]
      const servers = [member(one.port), member(two.port)]
      for (let i = 0; i < 4; i++) yield* Effect.scoped(Connection.make({ ...base, servers }))
      assert.deepStrictEqual([one.logins.length, two.logins.length], [4, 0])
      // 24 connects all landing on one member by chance: 2 × 2^-24.
      for (let i = 0; i < 24; i++) yield* Effect.scoped(Connection.make({ ...base, servers, randomStart: true }))
      assert.isAbove(one.logins.length, 4)
      assert.isAbove(two.logins.length, 0)
    }).pipe(Effect.scoped))

  it.live("a group from sqlhosts text: its members are tried in file order, each with its own name", () =>
    Effect.gen(function*() {
      const live = yield* fake()
      const sqlhosts = [
        "g_prod  group     -          -",
        `ol_a    onsoctcp  127.0.0.1  ${yield* deadPort}  g=g_prod`,
        `ol_b    onsoctcp  127.0.0.1  ${live.port}  g=g_prod`
      ].join("\n")
      const conn = yield* Connection.make({ ...base, sqlhosts, server: "g_prod" })
      assert.strictEqual(conn.port, live.port)
      assert.strictEqual(live.logins[0]!.serverName, "ol_b")
    }).pipe(Effect.scoped))

  it.live("the URL form: several hosts, a server name per host", () =>
    Effect.gen(function*() {
      const live = yield* fake()
      const conn = yield* Connection.make(
        `informix://tester:secret@127.0.0.1:${yield* deadPort},127.0.0.1:${live.port}/fakedb?server=ol_a,ol_b`
      )
      assert.strictEqual(conn.port, live.port)
      assert.strictEqual(live.logins[0]!.serverName, "ol_b")
    }).pipe(Effect.scoped))
})

describe("login redirects (Connection Manager)", () => {
  it.live("a redirect is followed with the target's INFORMIXSERVER; the hop is logged and on the connect span", () =>
    Effect.gen(function*() {
      const target = yield* fake()
      const manager = yield* cm(() => ({ port: target.port, name: "ol_primary" }))
      const lines: Array<string> = []
      const spans: Array<Tracer.Span> = []
      const tracer = Tracer.make({
        span(options) {
          const span = Tracer.nativeTracer.span(options)
          spans.push(span)
          return span
        }
      })
      const conn = yield* Connection.make({ ...base, host: "127.0.0.1", port: manager.port, server: "oltp" }).pipe(
        Effect.withTracer(tracer),
        Effect.provide(Logger.layer([Logger.make((options) => lines.push(String(options.message)))])),
        Effect.provideService(References.MinimumLogLevel, "All")
      )
      assert.strictEqual(manager.logins[0]!.serverName, "oltp")
      assert.strictEqual(target.logins[0]!.serverName, "ol_primary")
      assert.strictEqual(conn.port, target.port)
      assert.deepStrictEqual(yield* conn.execute("INSERT INTO t VALUES (1)"), { rowsAffected: 1 })
      const hop = `oltp@127.0.0.1:${manager.port} to ol_primary@127.0.0.1:${target.port}`
      assert.isTrue(lines.some((line) => line.includes(hop)), lines.join("\n"))
      const span = spans.find((s) => s.name === "informix.connect")
      assert.strictEqual(span?.attributes.get("informix.redirects"), `ol_primary@127.0.0.1:${target.port}`)
    }).pipe(Effect.scoped))

  it.live("the detail's separators may be `:`, `=` or `|`", () =>
    Effect.gen(function*() {
      const target = yield* fake()
      const manager = yield* fake({ connectResponse: () => redirectTo(`ol_b=127.0.0.1|${target.port}`) })
      const conn = yield* Connection.make({ ...base, host: "127.0.0.1", port: manager.port })
      assert.strictEqual(conn.port, target.port)
      assert.strictEqual(target.logins[0]!.serverName, "ol_b")
    }).pipe(Effect.scoped))

  it.live("redirects that come back to a server already visited fail with RedirectLoop and the chain", () =>
    Effect.gen(function*() {
      let a: FakeServer | undefined
      const b = yield* cm(() => ({ port: a!.port, name: "ol_fake" }))
      a = yield* cm(() => b)
      const error = connectionError(
        failure(yield* Effect.exit(Connection.make({ ...base, host: "127.0.0.1", port: a.port, server: "ol_fake" })))
      )
      assert.strictEqual(error.reason, "RedirectLoop")
      assert.deepStrictEqual(error.redirects?.map((r) => Number(r.port)), [b.port, a.port])
      assert.match(error.message, /circle/)
    }).pipe(Effect.scoped))

  it.live("more hops than maxRedirects fail with RedirectLoop; within the limit they are followed", () =>
    Effect.gen(function*() {
      const target = yield* fake()
      const third = yield* cm(() => target)
      const second = yield* cm(() => third)
      const first = yield* cm(() => second)
      const options = { ...base, host: "127.0.0.1", port: first.port, server: "cm" }
      const error = connectionError(failure(yield* Effect.exit(Connection.make(options))))
      assert.strictEqual(error.reason, "RedirectLoop")
      assert.match(error.message, /More than 2 login redirects/)
      assert.strictEqual(error.redirects?.length, 3)
      assert.strictEqual(target.logins.length, 0)
      const conn = yield* Connection.make({ ...options, maxRedirects: 3 })
      assert.strictEqual(conn.port, target.port)
    }).pipe(Effect.scoped))

  it.live("a target without server, host and port, or with a service name as port, fails with Redirected", () =>
    Effect.gen(function*() {
      for (const [detail, redirect] of [["nowhere", undefined], ["ol_b:127.0.0.1:sqlexec", "sqlexec"]] as const) {
        const manager = yield* fake({ connectResponse: () => redirectTo(detail) })
        const error = connectionError(
          failure(yield* Effect.exit(Connection.make({ ...base, host: "127.0.0.1", port: manager.port })))
        )
        assert.strictEqual(error.reason, "Redirected", detail)
        assert.strictEqual(error.redirect?.port, redirect)
      }
    }).pipe(Effect.scoped))

  it.live("with maxRedirects 0 a redirect is not followed", () =>
    Effect.gen(function*() {
      const target = yield* fake()
      const manager = yield* cm(() => target)
      const error = connectionError(
        failure(
          yield* Effect.exit(Connection.make({ ...base, host: "127.0.0.1", port: manager.port, maxRedirects: 0 }))
        )
      )
      assert.strictEqual(error.reason, "Redirected")
      assert.strictEqual(error.redirect?.port, String(target.port))
      assert.strictEqual(target.logins.length, 0)
    }).pipe(Effect.scoped))

  it.live("a target that refuses the login is reported with the redirects that led there", () =>
    Effect.gen(function*() {
      const dead = yield* deadPort
      const manager = yield* cm(() => ({ port: dead, name: "ol_gone" }))
      const error = connectionError(
        failure(yield* Effect.exit(Connection.make({ ...base, host: "127.0.0.1", port: manager.port, server: "oltp" })))
      )
      assert.deepStrictEqual([error.reason, error.port], ["Refused", dead])
      assert.deepStrictEqual(error.redirects, [{ server: "ol_gone", host: "127.0.0.1", port: String(dead) }])
      assert.include(error.message, `oltp@127.0.0.1:${manager.port} → ol_gone@127.0.0.1:${dead}`)
    }).pipe(Effect.scoped))

  it.live("a group member that redirects is followed before the next member is tried", () =>
    Effect.gen(function*() {
      const [target, spare] = [yield* fake(), yield* fake()]
      const manager = yield* cm(() => target)
      const conn = yield* Connection.make({ ...base, servers: [member(manager.port), member(spare.port)] })
      assert.strictEqual(conn.port, target.port)
      assert.strictEqual(spare.logins.length, 0)
    }).pipe(Effect.scoped))
})

describe("read-only secondaries", () => {
  it.live("the login accept's 0x20 and the DBOPEN reply's 0x20 each make the session readOnly", () =>
    Effect.gen(function*() {
      const byLogin = yield* fake({ connectResponse: () => acceptWith(0x20) })
      const byOpen = yield* fake({ dbOpenWarnings: 0x25 })
      const primary = yield* fake()
      for (const [server, readOnly] of [[byLogin, true], [byOpen, true], [primary, false]] as const) {
        const conn = yield* Connection.make({ ...base, host: "127.0.0.1", port: server.port })
        assert.strictEqual(conn.readOnly, readOnly, `port ${server.port}`)
        assert.strictEqual(conn.databaseInfo.readOnly, readOnly)
      }
    }).pipe(Effect.scoped))

  it.live("targetServerType skips servers of the other kind; none of the right kind is reason ServerType", () =>
    Effect.gen(function*() {
      const secondary = yield* fake({ connectResponse: () => acceptWith(0x20) })
      const primary = yield* fake()
      const servers = [member(secondary.port), member(primary.port)]
      const onPrimary = yield* Connection.make({ ...base, servers, targetServerType: "primary" })
      assert.deepStrictEqual([onPrimary.port, onPrimary.readOnly], [primary.port, false])
      const onSecondary = yield* Connection.make({
        ...base,
        servers: servers.toReversed(),
        targetServerType: "secondary"
      })
      assert.deepStrictEqual([onSecondary.port, onSecondary.readOnly], [secondary.port, true])
      const error = connectionError(
        failure(
          yield* Effect.exit(
            Connection.make({ ...base, host: "127.0.0.1", port: secondary.port, targetServerType: "primary" })
          )
        )
      )
      assert.strictEqual(error.reason, "ServerType")
      assert.match(error.message, /read-only secondary/)
    }).pipe(Effect.scoped))
})
