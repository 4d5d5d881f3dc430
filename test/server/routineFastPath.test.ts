/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * SPL routines with OUT parameters called through the fast path, message by message as IBM JDBC's
 * CallableStatement does it (routineFastPath.ts; JDBC itself runs it in test/conformance/outParamPeer.test.ts):
 * PREPARE answers -9752 naming `database:handle:1`, SQ_FPDESCRIBE gives the parameters' modes (and the second
 * SQ_EOT JDBC sends after it gets no reply), SQ_GETROUTINE by id with an SQ_FPARAM block gives the return types and
 * modes, SQ_EXFPROUTINE answers the OUT values then the returned ones.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, prepare, session, tags } from "./wire.ts"

const integer = (n: number) => {
  const data = new Uint8Array(4)
  new DataView(data.buffer).setInt32(0, n)
  return { type: 2, indicator: 0, prec: 0, data }
}

describe("SPL routines through the fast path", () => {
  it.live("-9752, SQ_FPDESCRIBE, SQ_GETROUTINE with SQ_FPARAM, SQ_EXFPROUTINE: OUT values, then the return", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port, { database: "testdb" })
      yield* command(
        client,
        "CREATE FUNCTION split(total INT, OUT half INT) RETURNING INT; LET half = total / 2; RETURN total - half; " +
          "END FUNCTION"
      )
      const prepared = yield* prepare(client, "execute procedure split(?, ?)", 2)
      assert.deepStrictEqual([errOf(prepared)?.sqlcode, errOf(prepared)?.parameter], [-9752, "testdb:100001:1"])
      const byId = { database: "testdb", handle: 100001 }
      // JDBC: SQ_FPDESCRIBE EOT EOT, one reply.
      yield* client.send([
        { _tag: "FpDescribe", byId, isFunction: false, name: "", numargs: 0 },
        { _tag: "Eot" },
        { _tag: "Eot" }
      ])
      const described = yield* client.group
      const reply = described[0]
      assert.strictEqual(reply?._tag, "FpDescribeReply")
      if (reply?._tag === "FpDescribeReply") {
        assert.deepStrictEqual(reply.params.map((p) => [p.type, p.mode]), [[2, 0], [2, 1]])
      }
      yield* client.send([{ _tag: "GetRoutine", signature: "", fparam: 1, byId }, { _tag: "Eot" }])
      const handle = yield* client.group
      assert.strictEqual(tags(handle), "RoutineHandle FParamReply Eot")
      const fparam = handle[1]
      if (fparam?._tag === "FParamReply") {
        assert.deepStrictEqual(fparam.returns.map((t) => t.type), [2])
        assert.deepStrictEqual(fparam.params.map((t) => t.mode), [0, 1])
      }
      yield* client.send([{
        _tag: "ExFpRoutine",
        database: "testdb",
        handle: 100001,
        fparam: 1,
        params: [integer(9), { type: 2, indicator: -1, prec: 0, data: new Uint8Array(0) }]
      }, { _tag: "Eot" }])
      const ran = yield* client.group
      const values = ran[0]?._tag === "FpReturn"
        ? ran[0].values.map((v) => new DataView(v.data.buffer, v.data.byteOffset).getInt32(0))
        : []
      // half = 4 (OUT), then the return value 5.
      assert.deepStrictEqual(values, [4, 5])
    }))
})
