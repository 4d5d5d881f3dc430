/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { encodeLoginRequest } from "../../src/internal/protocol/codec.ts"
import { DEFAULT_CLIENT_OFFER, INFORMIX15_SERVER_REPLY } from "../../src/internal/protocol/framing.ts"
import { withJdbcTail } from "../protocol/golden.ts"
import { startFake } from "./harness.ts"
import { connect, errOf, golden, hex, loginRequest, session, tags } from "./wire.ts"

const loginBytes = (options: Parameters<typeof loginRequest>[0]) => {
  const encoded = encodeLoginRequest(loginRequest(options))
  if (Result.isFailure(encoded)) throw new Error(encoded.failure.message)
  return encoded.success
}

describe("TestServer login", () => {
  it.live("accepts JDBC's login PDU with the golden CONACC carrying the tail JDBC reads", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* connect(port)
      yield* client.write(golden("jdbc-login-testdb"))
      const accept = yield* client.connectResponse
      assert.strictEqual(accept.slType, 2)
      assert.strictEqual(accept.svcError, 0)
      // Same server name (ol_test) and version as the golden responder: the bytes match up to marker 102; the tail
      // is the one JDBC reads field by field (JDBC-READING.md §1), in the same single PDU.
      assert.strictEqual(hex(client.received()), withJdbcTail(hex(golden("server-conacc-accept")), 0))
      assert.strictEqual(accept.initMarker, 102)
      assert.deepStrictEqual([accept.warnings, accept.errorCount, hex(accept.trailer)], [0, 0, "007f"])
    }))

  it.live("rejects a bad password with CONREJ (SL type 3) svcError -951 and closes", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* connect(port)
      yield* client.write(loginBytes({ password: "wrong" }))
      const reject = yield* client.connectResponse
      assert.strictEqual(reject.slType, 3)
      assert.strictEqual(reject.svcError, -951)
      yield* client.closed
      assert.strictEqual(hex(client.received()), withJdbcTail(hex(golden("server-conrej-951")), -951))
    }))

  it.live("rejects an unknown user with -951 and a wrong server name with -761", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const unknown = yield* connect(port)
      yield* unknown.write(loginBytes({ user: "nobody" }))
      assert.strictEqual((yield* unknown.connectResponse).svcError, -951)
      const wrongServer = yield* connect(port)
      yield* wrongServer.write(loginBytes({ serverName: "ol_other" }))
      const reject = yield* wrongServer.connectResponse
      assert.strictEqual(reject.slType, 3)
      assert.strictEqual(reject.svcError, -761)
      yield* wrongServer.closed
    }))

  it.live("answers SQ_PROTOCOLS for the 9-byte JDBC offer with Informix 15's mask and 9th byte 00", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* connect(port)
      yield* client.write(golden("jdbc-login-testdb"))
      yield* client.connectResponse
      const before = client.received().length
      yield* client.write(golden("jdbc-select-02-sq-protocols"))
      yield* client.group
      assert.strictEqual(hex(client.received().subarray(before)), hex(golden("jdbc-select-03-reply-protocols-eot")))
      const beforeInfo = client.received().length
      yield* client.write(golden("jdbc-select-04-sq-info-env"))
      yield* client.group
      assert.strictEqual(hex(client.received().subarray(beforeInfo)), hex(golden("jdbc-select-05-reply-eot")))
      const beforeOpen = client.received().length
      yield* client.write(golden("jdbc-select-06-sq-dbopen"))
      yield* client.group
      // testdb is logged: SQ_DONE + EOT as in the golden reply JDBC needs to allow transactions, with warnings
      // 0x0005 (logged + Informix server, read bit by bit by JDBC; JDBC-READING.md §2) instead of the golden's 0x0001.
      const expected = hex(golden("jdbc-logged-07-reply-done-eot"))
      assert.strictEqual(expected.slice(0, 8), "000f0001")
      assert.strictEqual(hex(client.received().subarray(beforeOpen)), "000f0005" + expected.slice(8))
    }))

  it.live("accepts the 8-byte offer and grants bits 69/70 only when configured", () =>
    Effect.gen(function*() {
      const narrow = yield* startFake()
      const a = yield* session(narrow.port, { offer: DEFAULT_CLIENT_OFFER, database: undefined })
      assert.isFalse(a.framing.done22)
      const extended = yield* startFake({ config: { grantExtendedFraming: true } })
      const b = yield* session(extended.port, {})
      assert.isTrue(b.framing.done22)
      assert.isTrue(b.framing.tupleSize32)
      const c = yield* session(extended.port, { offer: DEFAULT_CLIENT_OFFER })
      // Granted but not offered: the 8-byte offer keeps the narrow framing (SQLI.md §5.1).
      assert.isFalse(c.framing.done22)
      const client = yield* connect(extended.port)
      yield* client.write(golden("jdbc-login-testdb"))
      yield* client.connectResponse
      yield* client.write(golden("jdbc-select-02-sq-protocols"))
      const group = yield* client.group
      const reply = group[0]
      assert.strictEqual(reply?._tag, "Protocols")
      if (reply?._tag === "Protocols") assert.strictEqual(hex(reply.mask), hex(INFORMIX15_SERVER_REPLY))
    }))

  it.live("answers DBOPEN of an unknown database with SQ_ERR -329 and of an unlogged one with DONE(0x0004)", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port, { database: undefined })
      yield* client.send([{ _tag: "DbOpen", name: "nosuchdb", mode: 0 }, { _tag: "Eot" }])
      const failed = yield* client.group
      assert.strictEqual(tags(failed), "Err Eot")
      assert.strictEqual(errOf(failed)?.sqlcode, -329)
      assert.strictEqual(errOf(failed)?.parameter, "nosuchdb")
      yield* client.send([{ _tag: "DbOpen", name: "plain", mode: 0 }, { _tag: "Eot" }])
      const opened = yield* client.group
      assert.strictEqual(tags(opened), "Done Eot")
      assert.strictEqual(opened[0]?._tag === "Done" ? opened[0].warnings : -1, 0x0004)
    }))

  it.live("answers a PREPARE before DBOPEN with -349", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port, { database: undefined })
      yield* client.write(golden("jdbc-select-20-sq-prepare"))
      const group = yield* client.group
      assert.strictEqual(errOf(group)?.sqlcode, -349)
    }))
})
