/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The fast-path and SQ_LODATA messages against the bytes IBM JDBC 15 wrote and accepted (JDBC-LOB.md §4.2/§4.3).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import {
  ClientMessageDecoder,
  encodeClientBatch,
  encodeServerMessages,
  ServerMessageDecoder
} from "../../src/internal/protocol/codec.ts"
import { NARROW_FRAMING, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import type { ClientMessage, ServerMessage } from "../../src/internal/protocol/messages.ts"
import { int8Bytes, int8FromBytes } from "../../src/internal/protocol/smartLobMessages.ts"
import { fromHex, toHex } from "./golden.ts"

const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex")
const encodeClient = (messages: ReadonlyArray<ClientMessage>, framing = WIDE_FRAMING): string => {
  const r = encodeClientBatch(messages, framing)
  assert.isTrue(Result.isSuccess(r), Result.isFailure(r) ? r.failure.message : "")
  return Result.isSuccess(r) ? toHex(r.success) : ""
}
const encodeServer = (messages: ReadonlyArray<ServerMessage>): string => {
  const r = encodeServerMessages(messages, WIDE_FRAMING)
  assert.isTrue(Result.isSuccess(r), Result.isFailure(r) ? r.failure.message : "")
  return Result.isSuccess(r) ? toHex(r.success) : ""
}
const decodeClient = (hex: string, framing = WIDE_FRAMING) => {
  const d = new ClientMessageDecoder({ framing, expectConnect: false }).push(fromHex(hex))
  assert.isUndefined(d.error, d.error?.message)
  return d.messages
}
const decodeServer = (hex: string) => {
  const d = new ServerMessageDecoder({ framing: WIDE_FRAMING, expectConnect: false }).push(fromHex(hex))
  assert.isUndefined(d.error, d.error?.message)
  return d.messages
}

describe("SQ_GETROUTINE", () => {
  const sig = "function informix.ifx_lo_close(integer)"
  // JDBC-LOB.md §4.2: kind byte (bit 52), i32 length (bit 62), signature, pad (39 is odd), fparam 0, EOT.
  const jdbc = `0065 00 00000027 ${ascii(sig)} 00 0000 000c`.replace(/ /g, "")

  it("is what JDBC writes, and reads back", () => {
    const message: ClientMessage = { _tag: "GetRoutine", signature: sig, fparam: 0 }
    assert.strictEqual(encodeClient([message, { _tag: "Eot" }]), jdbc)
    assert.deepStrictEqual(decodeClient(jdbc), [message, { _tag: "Eot" }])
  })

  it("has neither kind byte nor i32 length without bits 52/62", () => {
    const framing = { ...NARROW_FRAMING, namedParameters: false }
    const hex = encodeClient([{ _tag: "GetRoutine", signature: "f(x)", fparam: 0 }], framing)
    assert.strictEqual(hex, `0065 0004 ${ascii("f(x)")} 0000`.replace(/ /g, ""))
  })

  it("reply: database and handle as JDBC accepted them", () => {
    const hex = `0065 0006 ${ascii("testdb")} 000003e8 000c`.replace(/ /g, "")
    const messages: Array<ServerMessage> = [{ _tag: "RoutineHandle", database: "testdb", handle: 1000 }, {
      _tag: "Eot"
    }]
    assert.strictEqual(encodeServer(messages), hex)
    assert.deepStrictEqual(decodeServer(hex), messages)
  })
})

describe("SQ_EXFPROUTINE / SQ_FPROUTINE", () => {
  it("carries an embedded SQ_BIND: INTEGER fd, INT8 offset", () => {
    const message: ClientMessage = {
      _tag: "ExFpRoutine",
      database: "",
      handle: 0x3ea,
      fparam: 0,
      params: [
        { type: 2, indicator: 0, prec: 0x0a00, data: fromHex("00000005") },
        { type: 17, indicator: 0, prec: 0x1300, data: int8Bytes(0n) }
      ]
    }
    // JDBC-LOB.md §4.2: `00 66 00 00 00 00 03 ea …`, then nParams, fparam 0, `00 05 n` + the bind values.
    const hex = "0066 0000 000003ea 0002 0000 0005 0002 0002 0000 0a00 00000005 0011 0000 1300 0001 00000000 00000000"
      .replace(/ /g, "")
    assert.strictEqual(encodeClient([message]), hex)
    assert.deepStrictEqual(decodeClient(hex), [message])
  })

  it("returns a UDT locator (names, i32 length) and an INTEGER fd", () => {
    const locator = new Uint8Array(72).fill(7)
    const messages: Array<ServerMessage> = [{
      _tag: "FpReturn",
      values: [
        { type: 41, ownerName: "informix", extendedName: "blob", indicator: 0, prec: 0, data: locator },
        { type: 2, indicator: 0, prec: 0, data: fromHex("00000003") }
      ]
    }, { _tag: "Eot" }]
    // JDBC-LOB.md §4.2: `00 29 00 08 "informix" 00 04 "blob" 00 00 00 00 00 00 00 48 <72>` was accepted.
    const hex = `0067 0002 0029 0008 ${ascii("informix")} 0004 ${ascii("blob")} 0000 0000 00000048 ${toHex(locator)}` +
      " 0002 0000 0000 00000003 000c"
    assert.strictEqual(encodeServer(messages), hex.replace(/ /g, ""))
    assert.deepStrictEqual(decodeServer(hex.replace(/ /g, "")), messages)
  })

  it("INT8 is sign, low, high (JDBC writes sign 1 for 0)", () => {
    assert.strictEqual(toHex(int8Bytes(0n)), "00010000000000000000")
    assert.strictEqual(toHex(int8Bytes(-(2n ** 32n + 5n))), "ffff0000000500000001")
    assert.strictEqual(int8FromBytes(int8Bytes(-(2n ** 32n + 5n))), -(2n ** 32n + 5n))
  })
})

describe("SQ_LODATA", () => {
  it("write of 70 000 bytes: 32000, 32000, 6000 inside one message", () => {
    const data = new Uint8Array(70000).map((_, i) => i & 0xff)
    const chunks = [data.subarray(0, 32000), data.subarray(32000, 64000), data.subarray(64000)]
    const message: ClientMessage = { _tag: "LoData", op: 2, fd: 5, length: 70000, bufferSize: 32000, chunks }
    const hex = encodeClient([message, { _tag: "Eot" }])
    // JDBC-LOB.md §4.3: `00 61 00 02 00 05 00 01 11 70 7d 00 | 7d 00 <32000> | 7d 00 <32000> | 17 70 <6000> | 00 0c`.
    const expected = ["006100020005000111707d00", "7d00", toHex(chunks[0]!), "7d00", toHex(chunks[1]!), "1770"]
      .join("") + toHex(chunks[2]!) + "000c"
    assert.strictEqual(hex, expected)
    const [decoded] = decodeClient(hex)
    assert.deepStrictEqual(decoded, { ...message, chunks: chunks.map((c) => c.slice()) })
  })

  it("read request and its replies (data, end of data, write ack)", () => {
    const read: ClientMessage = { _tag: "LoData", op: 0, fd: 8, length: 70000, bufferSize: 32000, chunks: [] }
    assert.strictEqual(encodeClient([read, { _tag: "Eot" }]), "006100000008000111707d00000c")
    const replies: Array<ServerMessage> = [
      { _tag: "LoDataReply", op: 0, size: 3, chunks: [fromHex("0102"), fromHex("03")] },
      { _tag: "LoDataReply", op: 0, size: 0, chunks: [] },
      { _tag: "LoDataReply", op: 2, size: 70000, chunks: [] },
      { _tag: "Eot" }
    ]
    const hex = encodeServer(replies)
    // Read data (op 0, 3 bytes: 2 + 1), end of data (n 0 + u16), write ack (op 2, 70000), EOT.
    assert.strictEqual(
      hex,
      ["0061 0000 00000003 0002 0102 0001 0300", "0061 0000 00000000 0000", "0061 0002 00011170", "000c"].join("")
        .replace(/ /g, "")
    )
    assert.deepStrictEqual(decodeServer(hex), replies)
  })

  it("refuses chunks that do not add up, and chunks over 32000", () => {
    const bad = (message: ClientMessage) => assert.isTrue(Result.isFailure(encodeClientBatch([message], WIDE_FRAMING)))
    bad({ _tag: "LoData", op: 2, fd: 1, length: 5, bufferSize: 32000, chunks: [new Uint8Array(4)] })
    bad({ _tag: "LoData", op: 2, fd: 1, length: 32001, bufferSize: 32000, chunks: [new Uint8Array(32001)] })
    const d = new ClientMessageDecoder({ framing: WIDE_FRAMING, expectConnect: false })
      .push(fromHex("0061000200010000000a7d00000401020304000c"))
    // 4 bytes then EOT's `00 0c` read as a 12-byte chunk length: the message is incomplete, never a wrong value.
    assert.strictEqual(d.messages.length, 0)
  })
})
