/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { batchWatch } from "../batchWatch.ts"
import { makeMaterial } from "../robustness/tlsMaterial.ts"
import { measure, withoutTime } from "../testClockSteps.ts"
import { sendUrgentByte } from "../urgentSupport.ts"
import { itUrgentEffect } from "../urgentSupport.ts"
import { connect, errOf, golden, prepare, session, tags } from "./wire.ts"

const material = makeMaterial()

describe("TestServer TLS listener", () => {
  it.live("a TLS client logs in on the TLS port (TLS from byte 0) and runs a query", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ tls: { key: material.key, cert: material.cert } })
      assert.isDefined(server.tlsPort)
      assert.notStrictEqual(server.tlsPort, server.port)
      assert.strictEqual(server.tlsUrl?.endsWith("&tls=true"), true)
      const client = yield* session(server.tlsPort!, { tls: { ca: material.ca } })
      const group = yield* prepare(client, "SELECT tabname FROM systables WHERE tabid = 1")
      assert.strictEqual(tags(group), "Describe Done Cost Eot")
    }))

  it.effect("a plaintext client on the TLS port is dropped on its first bytes instead of hanging", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ tls: { key: material.key, cert: material.cert } })
      const client = yield* connect(server.tlsPort!)
      yield* client.write(golden("jdbc-login-testdb"))
      // The test clock stands still, so the handshake deadline cannot be what closes it: the bytes are.
      yield* withoutTime(client.closed)
      assert.isFalse(client.received().some((b, i) => i === 2 && b === 2))
    }))

  it.effect("a client that never completes a TLS handshake is dropped at the handshake deadline", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ tls: { key: material.key, cert: material.cert } })
      const client = yield* connect(server.tlsPort!)
      const { millis } = yield* measure(client.closed, { step: "250 millis" })
      // Not before the deadline; a little after it only if the server saw the connection a few real ms late.
      assert.isAtLeast(millis, 5000)
      assert.isBelow(millis, 7000)
      assert.strictEqual(client.received().length, 0)
    }))

  itUrgentEffect("the urgent byte interrupts a statement over TLS", () =>
    Effect.gen(function*() {
      const watch = batchWatch()
      const server = yield* TestServer.make({
        tls: { key: material.key, cert: material.cert },
        protocolTrace: watch.protocolTrace
      })
      const client = yield* session(server.tlsPort!, { tls: { ca: material.ca } })
      yield* prepare(client, TestServer.sleepSql(30))
      const executing = watch.next("Execute")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Execute" }, { _tag: "Eot" }])
      // The server works on it; its sleep can only end by the interrupt: the test clock stands still.
      yield* executing
      assert.isTrue(yield* sendUrgentByte(client.socket))
      const group = yield* withoutTime(client.group)
      assert.strictEqual(errOf(group)?.sqlcode, -213)
      // The TLS stream is intact: the session keeps working.
      yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* withoutTime(client.group)), "Version Eot")
    }))
})
