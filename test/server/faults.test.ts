/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as net from "node:net"
import { UNKNOWN_OPCODE } from "../../src/internal/server/faults.ts"
import { measure, withoutTime } from "../testClockSteps.ts"
import { startFake } from "./harness.ts"
import { command, errOf, prepare, session, tags } from "./wire.ts"

const version = [{ _tag: "VersionRequest" } as const, { _tag: "Eot" } as const]

describe("TestServer fault injection", () => {
  it.live("closeAfterBytes cuts the reply there and closes the socket", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      const before = client.received().length
      faults.closeAfterBytes = 5
      yield* client.send(version)
      yield* client.closed
      assert.strictEqual(client.received().length - before, 5)
    }))

  it.effect("stallNextReply delays one reply; stallEveryReply every reply", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      const reply = Effect.andThen(client.send(version), client.group)
      // The test clock measures the stalls.
      faults.stallNextMillis = 300
      assert.isAtLeast((yield* measure(reply)).millis, 300)
      // Only the next one: this reply comes while the test clock stands still.
      yield* withoutTime(reply)
      faults.stallEveryMillis = 150
      assert.isAtLeast((yield* measure(Effect.andThen(reply, reply))).millis, 300)
    }))

  it.live("corruptNext: an unknown opcode in front of the reply, or a flipped byte", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      faults.corruptNext = { _tag: "UnknownOpcode" }
      const before = client.received().length
      yield* client.send(version)
      yield* Effect.sleep(100)
      const got = client.received().subarray(before)
      assert.strictEqual((got[0]! << 8) | got[1]!, UNKNOWN_OPCODE)
      assert.isDefined(client.decodeError())
      const other = yield* session(port)
      faults.corruptNext = { _tag: "FlipByte", offset: 1 }
      const start = other.received().length
      yield* other.send(version)
      yield* Effect.sleep(100)
      assert.strictEqual(other.received()[start + 1], 0x35 ^ 0xff)
    }))

  it.effect("slowReplies delays each chunk; splitWrites sends one byte per segment", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      faults.slow = { delayMillis: 40, chunkSize: 4 }
      const slow = yield* measure(Effect.andThen(client.send(version), client.group))
      assert.strictEqual(tags(slow.value), "Version Eot")
      // The 16-byte reply in 4-byte chunks: 4 writes, 40 ms (of the test clock) before each.
      assert.isAtLeast(slow.millis, 160)
      faults.slow = undefined
      faults.splitWrites = true
      // A raw socket to count the data events: each byte must arrive on its own.
      const chunks: Array<number> = []
      client.socket.on("data", (chunk: Uint8Array) => chunks.push(chunk.length))
      // One byte per millisecond of the test clock, and real time between them.
      const split = yield* measure(Effect.andThen(client.send(version), client.group), { step: "1 millis" })
      assert.strictEqual(tags(split.value), "Version Eot")
      // Loopback may still coalesce a few segments when the reader is busy; nearly all must arrive alone.
      assert.strictEqual(chunks.reduce((a, b) => a + b, 0), 16)
      assert.isAtLeast(chunks.length, 12)
    }))

  it.live("failNextStatement answers the next statement with the given SQ_ERR, once", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      faults.failNext = { sqlcode: -243, isamCode: -107, parameter: "t" }
      const failed = yield* prepare(client, "update 1")
      assert.strictEqual(tags(failed), "Err Eot")
      assert.deepStrictEqual([errOf(failed)?.sqlcode, errOf(failed)?.isamCode, errOf(failed)?.parameter], [
        -243,
        -107,
        "t"
      ])
      assert.strictEqual(tags(yield* prepare(client, "update 1")), "Describe Done Cost Eot")
      faults.failNext = { sqlcode: -268, on: "execute" }
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Execute" }, { _tag: "Eot" }])
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -268)
      assert.strictEqual(tags(yield* command(client, "update 2")), "Describe Done Cost Eot")
    }))

  it.live("dropAll destroys every client connection and closes the sessions", () =>
    Effect.gen(function*() {
      const { engine, listening, port } = yield* startFake()
      const a = yield* session(port)
      const b = yield* session(port)
      assert.strictEqual(listening.sessions.size, 2)
      listening.dropAll()
      yield* a.closed
      yield* b.closed
      yield* Effect.sleep(20)
      assert.strictEqual(listening.sessions.size, 0)
      assert.strictEqual(engine.openSessions, 0)
      assert.strictEqual(listening.counters.peakSessions, 2)
    }))

  it.live("a socket that closes mid-login or mid-stall leaves no session behind", () =>
    Effect.gen(function*() {
      const { engine, faults, listening, port } = yield* startFake()
      const raw = net.connect({ port, host: "127.0.0.1" })
      yield* Effect.callback<void>((resume) => {
        raw.on("connect", () => {
          raw.write(Uint8Array.of(0x01, 0x54, 0x01))
          raw.destroy()
          resume(Effect.void)
        })
      })
      const client = yield* session(port)
      faults.stallNextMillis = 10_000
      yield* client.send(version)
      yield* Effect.sleep(50)
      client.socket.destroy()
      yield* Effect.sleep(100)
      assert.strictEqual(listening.sessions.size, 0)
      assert.strictEqual(engine.openSessions, 0)
    }))
})
