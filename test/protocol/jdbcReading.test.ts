/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Hand-built vectors for every server-message variant IBM's JDBC 15 reads (JDBC-READING.md, the receive paths of
 * `com.informix.asf.Connection` and `IfxSqli`): our decoder must accept each of them and fail only where JDBC fails.
 * The CONACC vectors reuse golden/server-conacc-accept up to the end of its 24-byte block and vary what follows.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import { encodeConnectResponse, encodeServerMessages, ServerMessageDecoder } from "../../src/internal/protocol/codec.ts"
import { NARROW_FRAMING, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { parseRedirect } from "../../src/internal/protocol/loginPdu.ts"
import type { ConnectResponse, Framing, ServerMessage } from "../../src/internal/protocol/messages.ts"
import { conaccWithTail, fromHex, goldenVector, hexChar, hexI16, toHex } from "./golden.ts"

const i16 = hexI16
const char = hexChar
const golden = goldenVector("server-conacc-accept").hex
const pdu = conaccWithTail

const decodeConnect = (hex: string) => {
  const { error, messages } = new ServerMessageDecoder().push(fromHex(hex))
  return { error, response: messages[0] as ConnectResponse | undefined }
}

const accepted = (hex: string): ConnectResponse => {
  const { error, response } = decodeConnect(hex)
  assert.isUndefined(error, error?.message)
  assert.isDefined(response)
  return response!
}

const reencodes = (response: ConnectResponse, hex: string) => {
  const encoded = encodeConnectResponse(response)
  assert.isTrue(Result.isSuccess(encoded))
  if (Result.isSuccess(encoded)) assert.strictEqual(toHex(encoded.success), hex)
}

describe("the login accept, read as JDBC reads it (Connection.DecodeAscBinary)", () => {
  it("marker 102 with the tail JDBC reads: warnings (0x20 read-only secondary) and an empty error list", () => {
    const hex = pdu("0066 000b00000000 0000 0000 0020 0000 007f")
    const r = accepted(hex)
    assert.deepStrictEqual(
      [r.slType, r.initMarker, r.svcError, r.osError, r.warnings, r.errorCount, r.errors],
      [2, 102, 0, 0, 0x20, 0, []]
    )
    assert.strictEqual(toHex(r.trailer), "007f")
    reencodes(r, hex)
  })

  it("the golden tail: `00 00 00 7f` after osError is warnings 0 and 127 errors that are not in the PDU", () => {
    const r = accepted(golden)
    assert.deepStrictEqual([r.initMarker, r.warnings, r.errorCount, r.errors.length], [102, 0, 127, 0])
    assert.strictEqual(r.trailer.length, 0)
    reencodes(r, golden)
  })

  it("does not require the PDU to end in `00 7f`", () => {
    const hex = pdu("0066 000b00000000 0000 0000 0000 0000")
    const r = accepted(hex)
    assert.deepStrictEqual([r.svcError, r.warnings, r.errorCount, r.trailer.length], [0, 0, 0, 0])
    reencodes(r, hex)
  })

  it("fields after marker 102 that the PDU lacks read as zeros (JDBC's zero-filled 4096-byte buffer)", () => {
    const r = accepted(pdu("0066 000b"))
    assert.deepStrictEqual([r.initMarker, r.svcError, r.osError, r.warnings, r.errorCount], [102, 0, 0, 0, 0])
  })

  it("the error list: up to the count, a negative offset ends it early, the last text is the message", () => {
    const list = "0000" + char("first") + "0004" + char("last text") + "ffff" + char("never read")
    const hex = pdu("0066 000b00000000" + i16(-951) + i16(-12) + "0000 0003" + list + "007f", 3)
    const r = accepted(hex)
    assert.deepStrictEqual([r.slType, r.svcError, r.osError], [3, -951, -12])
    assert.deepStrictEqual(r.errors, [{ offset: 0, text: "first" }, { offset: 4, text: "last text" }])
    assert.strictEqual(toHex(r.trailer), "ffff" + char("never read") + "007f")
    reencodes(r, hex)
  })

  it("a negative error count is refused (JDBC: −408)", () => {
    const { error } = decodeConnect(pdu("0066 000b00000000 0000 0000 0000 ffff 007f"))
    assert.match(error!.message, /negative error count/)
  })

  it("marker 127 right after the 24-byte block: accepted, no init-response block at all", () => {
    const hex = pdu("007f")
    const r = accepted(hex)
    assert.deepStrictEqual([r.initMarker, r.svcError, r.warnings, r.trailer.length], [127, 0, 0, 0])
    reencodes(r, hex)
  })

  it("marker 103 in a REDIRECT (SL type 13): the detail names server, host and port", () => {
    const hex = pdu("0067 0000" + char("ol_other:db2.example.com:9089"), 13)
    const r = accepted(hex)
    assert.deepStrictEqual([r.slType, r.initMarker, r.redirect], [13, 103, {
      unknown: 0,
      detail: "ol_other:db2.example.com:9089"
    }])
    assert.deepStrictEqual(parseRedirect(r.redirect!.detail), {
      server: "ol_other",
      host: "db2.example.com",
      port: "9089"
    })
    reencodes(r, hex)
  })

  it("marker 103 in a CONACC is read too (JDBC accepts that login and ignores the detail)", () => {
    const r = accepted(pdu("0067 0001" + char("x:y:1")))
    assert.deepStrictEqual([r.slType, r.initMarker, r.redirect?.detail], [2, 103, "x:y:1"])
  })

  it("any other marker after the 24-byte block is refused (JDBC: −408)", () => {
    const { error } = decodeConnect(pdu("0068 0000"))
    assert.match(error!.message, /expected marker 102, 103 or 127/)
  })

  it("SL types other than 2, 3 and 13 are refused (JDBC: −408)", () => {
    const { error } = decodeConnect(pdu("007f", 5))
    assert.match(error!.message, /SL type 5/)
  })

  it("redirect details split on `:` `=` `|` like JDBC's StringTokenizer (empty tokens skipped, trimmed)", () => {
    assert.deepStrictEqual(parseRedirect("ol_b|10.0.0.2=sqlexec"), {
      server: "ol_b",
      host: "10.0.0.2",
      port: "sqlexec"
    })
    assert.deepStrictEqual(parseRedirect(" ol_c :: host : 9090 :extra"), { server: "ol_c", host: "host", port: "9090" })
    assert.isUndefined(parseRedirect("ol_d:host"))
    assert.isUndefined(parseRedirect(""))
  })
})

const decodeMessages = (hex: string, framing: Framing) =>
  new ServerMessageDecoder({ expectConnect: false, framing }).push(fromHex(hex))

const roundTrips = (spaced: string, framing: Framing, expected: ReadonlyArray<ServerMessage>) => {
  const hex = spaced.replace(/\s+/g, "")
  const { error, messages } = decodeMessages(hex, framing)
  assert.isUndefined(error, error?.message)
  assert.deepStrictEqual(messages, [...expected])
  const encoded = encodeServerMessages(expected, framing)
  assert.isTrue(Result.isSuccess(encoded))
  if (Result.isSuccess(encoded)) assert.strictEqual(toHex(encoded.success), hex)
}

describe("SQ_ERR, read as JDBC reads it (IfxSqli.receiveError)", () => {
  it("sqlcode 0: the standard body, then a 5-byte SQLSTATE with its pad byte and a message (a warning)", () => {
    const hex = "000d 0000 0000 00000000" + char("") + "3031493031 00" + char("Note this") + "000c"
    roundTrips(hex, WIDE_FRAMING, [
      {
        _tag: "Err",
        sqlcode: 0,
        isamCode: 0,
        offset: 0,
        parameter: "",
        form: "sqlstate",
        sqlState: "01I01",
        message: "Note this"
      },
      { _tag: "Eot" }
    ])
  })

  it("−937 under the narrow framing (i16 offset): parameter, SQLSTATE and the routine's message", () => {
    const hex = "000d" + i16(-937) + i16(-1) + "0007" + char("p") + "3435303030 00" + char("boom")
    roundTrips(hex, NARROW_FRAMING, [{
      _tag: "Err",
      sqlcode: -937,
      isamCode: -1,
      offset: 7,
      parameter: "p",
      form: "sqlstate",
      sqlState: "45000",
      message: "boom"
    }])
  })

  it("−368 has no text after the offset", () => {
    const hex = "000d" + i16(-368) + i16(-105) + "00000000 000c"
    roundTrips(hex, WIDE_FRAMING, [
      { _tag: "Err", sqlcode: -368, isamCode: -105, offset: 0, parameter: "", form: "bare" },
      { _tag: "Eot" }
    ])
  })

  it("−619: JDBC skips two shorts (three under bit 62) before the text, the same bytes as isam + offset", () => {
    for (const [framing, skipped] of [[WIDE_FRAMING, "000100000002"], [NARROW_FRAMING, "00010002"]] as const) {
      const { error, messages } = decodeMessages("000d" + i16(-619) + skipped + char("blob") + "000c", framing)
      assert.isUndefined(error)
      assert.deepStrictEqual(messages.map((m) => m._tag === "Err" ? [m.sqlcode, m.parameter] : m._tag), [
        [-619, "blob"],
        "Eot"
      ])
    }
  })

  it("sqlcode 100 (no data) uses the standard body", () => {
    const hex = "000d 0064 0000 00000000" + char("") + "000c"
    roundTrips(hex, WIDE_FRAMING, [
      { _tag: "Err", sqlcode: 100, isamCode: 0, offset: 0, parameter: "", form: "standard" },
      { _tag: "Eot" }
    ])
  })
})

describe("other messages JDBC's dispatch tolerates (IfxSqli.dispatchMsg)", () => {
  it("SQ_CLOSE (10) and SQ_REASSOC (86) from the server are bare", () => {
    roundTrips("000a 0056 000c", WIDE_FRAMING, [{ _tag: "CursorClosed" }, { _tag: "Reassoc" }, {
      _tag: "Eot"
    }])
  })

  it("SQ_XACTSTAT: event, new level, old level", () => {
    roundTrips("0063 0001 0001 0000", WIDE_FRAMING, [{
      _tag: "XactStat",
      event: 1,
      newLevel: 1,
      oldLevel: 0
    }])
  })
})
