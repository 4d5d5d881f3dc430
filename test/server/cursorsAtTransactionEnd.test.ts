/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The end of a transaction closes its cursors: COMMIT all but WITH HOLD (SQ_HOLD) ones, ROLLBACK every one; a fetch
 * afterwards fails (−259, −267 after a rollback) while CLOSE is accepted.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { ClientMessage } from "../../src/internal/protocol/messages.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, prepare, session, tags, type WireClient } from "./wire.ts"

const fetchOne = (client: WireClient, id: number) =>
  Effect.flatMap(
    client.send([{ _tag: "Id", statementId: id }, { _tag: "NFetch", bufferSize: 16, fetchArraySize: 0 }, {
      _tag: "Eot"
    }]),
    () => client.group
  )

const openCursor = (client: WireClient, text: string, name: string, hold: boolean) =>
  Effect.gen(function*() {
    const described = yield* prepare(client, text)
    const id = described[0]?._tag === "Describe" ? described[0].statementId : -1
    const messages: Array<ClientMessage> = [{ _tag: "Id", statementId: id }, { _tag: "CurName", name }]
    if (hold) messages.push({ _tag: "Hold" })
    messages.push({ _tag: "Open" }, { _tag: "Eot" })
    yield* client.send(messages)
    assert.strictEqual(tags(yield* client.group), "Eot")
    assert.match(tags(yield* fetchOne(client, id)), /^(Tuple )+Eot$/)
    return id
  })

describe("cursors at the end of a transaction", () => {
  it.live("COMMIT closes plain cursors, keeps hold cursors; ROLLBACK closes all (-267); CLOSE is accepted", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE big (k INTEGER)")
      for (let k = 0; k < 20; k++) yield* command(client, `INSERT INTO big VALUES (${k})`)
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      const plain = yield* openCursor(client, "SELECT k FROM big ORDER BY k", "plain_c", false)
      const held = yield* openCursor(client, "SELECT k, k FROM big ORDER BY k", "held_c", true)
      yield* client.send([{ _tag: "CommitWork" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      assert.strictEqual(errOf(yield* fetchOne(client, plain))?.sqlcode, -259)
      assert.match(tags(yield* fetchOne(client, held)), /^(Tuple )+Eot$/)
      yield* client.send([{ _tag: "Id", statementId: plain }, { _tag: "Close" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")

      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      const again = yield* openCursor(client, "SELECT k, k, k FROM big ORDER BY k", "again_c", true)
      yield* client.send([{ _tag: "RollbackWork", savepointLevel: 0 }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      assert.strictEqual(errOf(yield* fetchOne(client, again))?.sqlcode, -267)
      assert.strictEqual(errOf(yield* fetchOne(client, held))?.sqlcode, -267)
      // COMMIT WORK as SQL text does the same as SQ_CMMTWORK.
      yield* command(client, "BEGIN WORK")
      const viaSql = yield* openCursor(client, "SELECT k + 1 FROM big ORDER BY k", "sql_c", false)
      yield* command(client, "COMMIT WORK")
      assert.strictEqual(errOf(yield* fetchOne(client, viaSql))?.sqlcode, -259)
      const stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
    }))
})
