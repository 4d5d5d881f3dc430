/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * TLS from the first byte (an `onsocssl`-style listener, SQLI.md §2.2): verification is on by default, a trusted CA
 * works, an untrusted certificate fails with ConnectionError(Tls), and the urgent-byte interrupt works under TLS.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import * as TestServer from "../src/TestServer.ts"
import { batchWatch } from "./batchWatch.ts"
import { makeMaterial } from "./robustness/tlsMaterial.ts"
import { withoutTime } from "./testClockSteps.ts"
import { itUrgentEffect } from "./urgentSupport.ts"

const material = makeMaterial()

const tlsServer = TestServer.make({ tls: { key: material.key, cert: material.cert } })

describe("Connection over TLS", () => {
  it.live("connects with a trusted CA and runs statements", () =>
    Effect.gen(function*() {
      const server = yield* tlsServer
      const conn = yield* Connection.make({ url: server.url, port: server.tlsPort!, tls: { ca: material.ca } })
      assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = ?", [1]), [[1]])
    }).pipe(Effect.scoped))

  it.live("verification is on by default: an untrusted certificate → ConnectionError(Tls)", () =>
    Effect.gen(function*() {
      const server = yield* tlsServer
      const exit = yield* Effect.exit(
        Effect.scoped(Connection.make({ url: server.url, port: server.tlsPort!, tls: true }))
      )
      assert.isTrue(Exit.isFailure(exit))
      const error = Cause.squash((exit as Exit.Failure<unknown, InformixError>).cause) as InformixError
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Tls")
    }).pipe(Effect.scoped))

  it.live("a TLS client against the plain port fails (at the latest at connectTimeout) instead of hanging", () =>
    Effect.gen(function*() {
      const server = yield* tlsServer
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({
        url: server.url,
        tls: { ca: material.ca },
        connectTimeout: "1 second"
      })))
      assert.isTrue(Exit.isFailure(exit))
    }).pipe(Effect.scoped))

  itUrgentEffect("the urgent-byte interrupt works under TLS", () =>
    Effect.gen(function*() {
      const watch = batchWatch()
      const server = yield* TestServer.make({
        tls: { key: material.key, cert: material.cert },
        protocolTrace: watch.protocolTrace
      })
      const conn = yield* Connection.make({ url: server.url, port: server.tlsPort!, tls: { ca: material.ca } })
      const executing = watch.next("Execute")
      const fiber = yield* Effect.forkChild(conn.execute(server.stallSql))
      // The server sleeps in the statement; with the test clock standing still, only the interrupt can end it.
      yield* executing
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(yield* withoutTime(conn.values("SELECT 2 FROM systables WHERE tabid = 1")), [[2]])
      assert.strictEqual(conn.state, "idle")
    }).pipe(Effect.scoped))
})
