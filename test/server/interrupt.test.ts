/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"
import type { Listening } from "../../src/internal/server/listeners.ts"
import { eventually } from "../eventually.ts"
import { withoutTime } from "../testClockSteps.ts"
import { sendUrgentByte } from "../urgentSupport.ts"
import { needsUrgent, urgentAvailable } from "../urgentSupport.ts"
import { startFake } from "./harness.ts"
import { command, errOf, golden, hex, prepare, session, sql, tags } from "./wire.ts"
import type { WireClient } from "./wire.ts"

const supported = urgentAvailable

/**
 * Sends a batch, waits until the server is working on it, sends the urgent byte; returns the reply. The test clock
 * stands still, so a stalled or sleeping statement can only end by the interrupt.
 */
const interrupt = (listening: Listening, client: WireClient, send: Effect.Effect<void>) =>
  Effect.gen(function*() {
    yield* send
    yield* TestClock.withLive(eventually(Effect.sync(() => serverSession(listening)?.running), (b) => b !== undefined))
    assert.isTrue(yield* sendUrgentByte(client.socket))
    return yield* withoutTime(client.group)
  })

const serverSession = (listening: Listening) => listening.sessions.values().next().value

describe.runIf(supported)(needsUrgent("TestServer interrupt (urgent byte 0x42)"), () => {
  it.effect("a stalled request is answered with SQ_ERR -213 while the clock stands still; the transaction stays open", () =>
    Effect.gen(function*() {
      const { faults, listening, port } = yield* startFake()
      const client = yield* session(port)
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      faults.stallNextMillis = 20_000
      const group = yield* interrupt(
        listening,
        client,
        client.send([
          { _tag: "Command", numQmarks: 0, sql: sql("update 1") },
          { _tag: "NDescribe" },
          { _tag: "Execute" },
          { _tag: "Release" },
          { _tag: "Eot" }
        ])
      )
      // Byte-identical to the reply JDBC 15 accepted (golden/jdbc-cancel-03).
      assert.strictEqual(hex(client.received().subarray(-14)), hex(golden("jdbc-cancel-03-reply-err-213-eot")))
      assert.strictEqual(tags(group), "Err Eot")
      assert.isTrue(listening.sessions.values().next().value?.database?.engine.inTransaction)
      assert.strictEqual(tags(yield* command(client, "update 1")), "Describe Done Cost Eot")
    }))

  it.effect("EXECUTE PROCEDURE sysproc_sleep(n) is interrupted; the session keeps working with its transaction", () =>
    Effect.gen(function*() {
      const { listening, port } = yield* startFake()
      const client = yield* session(port)
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      const described = yield* prepare(client, "EXECUTE PROCEDURE sysproc_sleep(30)")
      assert.strictEqual(tags(described), "Describe Done Cost Eot")
      const group = yield* interrupt(
        listening,
        client,
        client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Execute" }, { _tag: "Eot" }])
      )
      assert.strictEqual(tags(group), "Err Eot")
      const err = errOf(group)
      assert.deepStrictEqual([err?.sqlcode, err?.isamCode, err?.offset, err?.parameter], [-213, 0, 0, ""])
      const server = listening.sessions.values().next().value
      assert.isTrue(server?.database?.engine.inTransaction)
      // The statement is still allocated (JDBC releases it afterwards) and the session answers normally.
      assert.strictEqual(server?.statements.size, 1)
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Release" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.send([{ _tag: "CommitWork" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
    }))

  it.effect("an interrupted SQ_COMMAND batch frees the statement it allocated", () =>
    Effect.gen(function*() {
      const { listening, port } = yield* startFake()
      const client = yield* session(port)
      const group = yield* interrupt(
        listening,
        client,
        client.send([
          { _tag: "Command", numQmarks: 0, sql: sql("execute procedure sysproc_sleep(30)") },
          { _tag: "NDescribe" },
          { _tag: "Execute" },
          { _tag: "Release" },
          { _tag: "Eot" }
        ])
      )
      assert.strictEqual(errOf(group)?.sqlcode, -213)
      assert.strictEqual(listening.sessions.values().next().value?.statements.size, 0)
    }))

  it.effect("an interrupted fetch leaves the cursor open: NFETCH, CLOSE and RELEASE still work", () =>
    Effect.gen(function*() {
      const { faults, listening, port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "select from rows(3)")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "CurName", name: "c" }, { _tag: "Open" }, {
        _tag: "Eot"
      }])
      yield* client.group
      faults.stallNextMillis = 20_000
      const nfetch = client.send([{ _tag: "Id", statementId: 0 }, {
        _tag: "NFetch",
        bufferSize: 4096,
        fetchArraySize: 0
      }, {
        _tag: "Eot"
      }])
      const group = yield* interrupt(listening, client, nfetch)
      assert.strictEqual(errOf(group)?.sqlcode, -213)
      yield* nfetch
      assert.strictEqual(tags(yield* client.group), "Tuple Tuple Tuple Done Cost Eot")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Close" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Release" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
    }))

  it.live("an urgent byte while idle is ignored: the next request gets its own reply", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      assert.isTrue(yield* sendUrgentByte(client.socket))
      yield* Effect.sleep(100)
      yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Version Eot")
      assert.isTrue(yield* sendUrgentByte(client.socket))
      assert.isTrue(yield* sendUrgentByte(client.socket))
      const ok = yield* command(client, "update 2")
      assert.strictEqual(tags(ok), "Describe Done Cost Eot")
    }))
})
