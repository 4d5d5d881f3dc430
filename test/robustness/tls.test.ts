/**
 * TLS with a private CA made at test time (openssl CLI, into a temp directory): a CA certificate, a server
 * certificate it signs for localhost/127.0.0.1, and one it signs for another host name only.
 *
 * - verification on, the CA trusted → the session works;
 * - verification on, the CA not trusted → ConnectionError(Tls);
 * - verification off → the session works (encrypted, unauthenticated);
 * - a certificate for another host name (or a `servername` the certificate does not carry) → ConnectionError(Tls).
 * No TLS error message contains the password.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Connection from "../../src/Connection.ts"
import type { InformixError } from "../../src/InformixError.ts"
import * as TestServer from "../../src/TestServer.ts"
import { makeMaterial } from "./tlsMaterial.ts"

const PASSWORD = "tls-Pa55word-9"

const material = makeMaterial()

const server = (cert: Buffer) => TestServer.make({ users: { informix: PASSWORD }, tls: { key: material.key, cert } })

const open = (target: TestServer.TestServer, tls: Connection.Options["tls"], extra: Partial<Connection.Options> = {}) =>
  Effect.exit(Effect.scoped(Effect.gen(function*() {
    const conn = yield* Connection.make({
      host: "127.0.0.1",
      port: target.tlsPort!,
      server: target.serverName,
      database: target.database,
      user: target.user,
      // The effect form of the password (as `Config.Redacted` gives it).
      password: Effect.succeed(Redacted.make(PASSWORD)),
      connectTimeout: "5 seconds",
      tls,
      ...extra
    })
    return yield* conn.values("SELECT ?::VARCHAR(20) FROM systables WHERE tabid = 1", ["over tls"])
  })))

const tlsFailure = <A>(exit: Exit.Exit<A, InformixError>) => {
  assert.isTrue(Exit.isFailure(exit), "expected the TLS handshake to be refused")
  const cause = (exit as Exit.Failure<A, InformixError>).cause
  assert.isFalse(Cause.hasDies(cause), `a defect instead of a typed error: ${String(cause)}`)
  const error = Cause.squash(cause) as InformixError
  assert.strictEqual(error._tag, "ConnectionError", `${error._tag}: ${error.message}`)
  assert.strictEqual((error as Extract<InformixError, { _tag: "ConnectionError" }>).reason, "Tls", error.message)
  assert.notInclude(error.message, PASSWORD)
  assert.notInclude(String(cause), PASSWORD)
  return error
}

describe("TLS with a private CA", () => {
  it.live("verification on, CA trusted → works", () =>
    Effect.gen(function*() {
      const target = yield* server(material.cert)
      const exit = yield* open(target, { ca: [material.ca] })
      assert.isTrue(Exit.isSuccess(exit), String(Exit.isFailure(exit) ? exit.cause : ""))
      assert.deepStrictEqual((exit as Exit.Success<ReadonlyArray<ReadonlyArray<unknown>>>).value, [["over tls"]])
    }).pipe(Effect.scoped))

  it.live("verification on, CA trusted, through the URL form (tlsUrl + the CA as options) → works", () =>
    Effect.gen(function*() {
      const target = yield* server(material.cert)
      const exit = yield* Effect.exit(Effect.scoped(Effect.flatMap(
        Connection.make({ url: target.tlsUrl!, tls: { ca: [material.ca] } }),
        (conn) => conn.values("SELECT 1 FROM systables WHERE tabid = 1")
      )))
      assert.isTrue(Exit.isSuccess(exit), String(Exit.isFailure(exit) ? exit.cause : ""))
    }).pipe(Effect.scoped))

  it.live("verification on (tls: true), CA not trusted → ConnectionError(Tls)", () =>
    Effect.gen(function*() {
      const target = yield* server(material.cert)
      tlsFailure(yield* open(target, true))
    }).pipe(Effect.scoped))

  it.live("verification off → works", () =>
    Effect.gen(function*() {
      const target = yield* server(material.cert)
      const exit = yield* open(target, { rejectUnauthorized: false })
      assert.isTrue(Exit.isSuccess(exit), String(Exit.isFailure(exit) ? exit.cause : ""))
    }).pipe(Effect.scoped))

  it.live("a certificate for another host name → ConnectionError(Tls), even with the CA trusted", () =>
    Effect.gen(function*() {
      const target = yield* server(material.otherCert)
      const error = tlsFailure(yield* open(target, { ca: [material.ca] }))
      assert.match(error.message, /127\.0\.0\.1|host|name|altname/i)
    }).pipe(Effect.scoped))

  it.live("a servername the certificate does not carry → ConnectionError(Tls)", () =>
    Effect.gen(function*() {
      const target = yield* server(material.cert)
      tlsFailure(yield* open(target, { ca: [material.ca], servername: "db.other.example" }))
    }).pipe(Effect.scoped))

  it.live("the right servername for a host-name-only certificate → works", () =>
    Effect.gen(function*() {
      const target = yield* server(material.otherCert)
      const exit = yield* open(target, { ca: [material.ca], servername: "db.other.example" })
      assert.isTrue(Exit.isSuccess(exit), String(Exit.isFailure(exit) ? exit.cause : ""))
    }).pipe(Effect.scoped))
})
