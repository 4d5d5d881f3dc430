/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import {
  ClientMessageDecoder,
  encodeClientBatch,
  encodeConnectResponse,
  encodeLoginRequest,
  encodeServerMessages,
  ServerMessageDecoder
} from "../../src/internal/protocol/codec.ts"
import {
  DEFAULT_CLIENT_OFFER,
  DEFAULT_SERVER_REPLY,
  EXTENDED_FRAMING,
  framingFromMasks,
  INFORMIX15_SERVER_REPLY,
  JDBC15_CLIENT_OFFER,
  NARROW_FRAMING,
  WIDE_FRAMING
} from "../../src/internal/protocol/framing.ts"
import {
  BatchCollector,
  bindMessages,
  collectBlobStream,
  cursorName,
  infoEnv,
  JDBC_INFO_ENV,
  layoutDescribeFields,
  makeConnectResponse,
  makeLoginRequest
} from "../../src/internal/protocol/helpers.ts"
import type { BindValue, ClientMessage, ServerMessage } from "../../src/internal/protocol/messages.ts"
import { fromHex, loadGolden, toHex, withJdbcTail } from "./golden.ts"

const golden = new Map(loadGolden().map((v) => [v.name, v]))
const hexOf = (name: string) => golden.get(name)!.hex

const ok = (r: Result.Result<Uint8Array, unknown>): string => {
  assert.isTrue(Result.isSuccess(r), Result.isFailure(r) ? String((r.failure as Error).message) : "")
  return Result.isSuccess(r) ? toHex(r.success) : ""
}

const decodeServer = (hex: string, framing = WIDE_FRAMING) =>
  new ServerMessageDecoder({ framing, expectConnect: false }).push(fromHex(hex))

const descriptor = (size: number) => {
  const d = new Uint8Array(56)
  new DataView(d.buffer).setInt32(16, size)
  return d
}

describe("framing", () => {
  it("is offered ∧ granted", () => {
    assert.deepStrictEqual(framingFromMasks(DEFAULT_CLIENT_OFFER, INFORMIX15_SERVER_REPLY), WIDE_FRAMING)
    assert.deepStrictEqual(framingFromMasks(JDBC15_CLIENT_OFFER, DEFAULT_SERVER_REPLY), WIDE_FRAMING)
    assert.deepStrictEqual(framingFromMasks(JDBC15_CLIENT_OFFER, INFORMIX15_SERVER_REPLY), EXTENDED_FRAMING)
    // nmap's 7-byte offer: no bit 50/62/63.
    assert.deepStrictEqual(framingFromMasks(fromHex("fffc7ffc3c8c8a"), INFORMIX15_SERVER_REPLY), NARROW_FRAMING)
  })
})

describe("framing from the golden SQ_PROTOCOLS exchanges", () => {
  const mask = (name: string) => {
    const decoded = name.includes("reply")
      ? decodeServer(hexOf(name))
      : new ClientMessageDecoder({ expectConnect: false }).push(fromHex(hexOf(name)))
    const m = decoded.messages[0]!
    assert.strictEqual(m._tag, "Protocols")
    return m._tag === "Protocols" ? m.mask : new Uint8Array(0)
  }

  it("ifxdrv's 8-byte offer against the full Informix 15 reply stays without bits 69/70", () => {
    assert.deepStrictEqual(
      framingFromMasks(mask("pyifx-select-02-sq-protocols"), mask("pyifx-select-03-reply-protocols-eot")),
      WIDE_FRAMING
    )
  })

  it("JDBC's 9-byte offer: narrow 69/70 with a 00 ninth byte, extended with ff", () => {
    assert.deepStrictEqual(
      framingFromMasks(mask("jdbc-select-02-sq-protocols"), mask("jdbc-select-03-reply-protocols-eot")),
      WIDE_FRAMING
    )
    assert.deepStrictEqual(
      framingFromMasks(mask("jdbc-select-02-sq-protocols"), mask("jdbc-select-ext-03-reply-protocols-eot")),
      EXTENDED_FRAMING
    )
  })

  it("nmap's 7-byte offer gives the narrow framing", () => {
    assert.deepStrictEqual(
      framingFromMasks(mask("nmap-select-02-sq-protocols"), mask("nmap-select-03-reply-protocols-eot")),
      NARROW_FRAMING
    )
  })
})

describe("helpers", () => {
  it("JDBC_INFO_ENV is JDBC's 48-byte SQ_INFO batch", () => {
    assert.strictEqual(
      ok(encodeClientBatch([JDBC_INFO_ENV, { _tag: "Eot" }], WIDE_FRAMING)),
      hexOf("jdbc-select-04-sq-info-env")
    )
  })

  it("infoEnv computes JDBC's length fields for JDBC's pairs", () => {
    assert.deepStrictEqual(infoEnv(JDBC_INFO_ENV.env), JDBC_INFO_ENV)
  })

  it("cursorName follows JDBC's pattern", () => {
    assert.strictEqual(cursorName(1), "_ifxc0000000000001")
    assert.strictEqual(cursorName(0).length, 18)
  })

  it("makeConnectResponse builds the CONACC every client accepts, and the CONREJ", () => {
    const options = { serverVersion: "15.0.1.0.3", serverName: "ol_test", cap1: 316 }
    // The golden CONACC up to marker 102, then the tail JDBC reads field by field (two bytes longer).
    const accept = ok(encodeConnectResponse(makeConnectResponse(options)))
    assert.strictEqual(accept, withJdbcTail(hexOf("server-conacc-accept"), 0))
    assert.strictEqual(accept.slice(0, 4), "0085")
    const reject = ok(encodeConnectResponse(makeConnectResponse(options, -951)))
    assert.strictEqual(reject, withJdbcTail(hexOf("server-conrej-951"), -951))
  })

  it("makeLoginRequest reproduces nmap-less JDBC login structure and decodes back", () => {
    const login = makeLoginRequest({
      user: "informix",
      password: "in4mix",
      serverName: "ol_test",
      processInfo: { reserved: 0, pid: 4242, tid: 7, hostname: "host1", reserved2: 0, cwd: "app" },
      applicationName: "informix-db@pid4242"
    })
    const bytes = encodeLoginRequest(login)
    assert.isTrue(Result.isSuccess(bytes))
    if (!Result.isSuccess(bytes)) return
    // Bytes 2..273 (everything up to the process-info block) equal JDBC's capture.
    assert.strictEqual(toHex(bytes.success.subarray(2, 273)), hexOf("jdbc-login-testdb").slice(4, 546))
    const decoded = new ClientMessageDecoder().push(bytes.success)
    assert.isUndefined(decoded.error)
    assert.deepStrictEqual(decoded.messages, [login])
  })

  it("bindMessages streams BYTE/TEXT contents like JDBC (golden/jdbc-prep-25)", () => {
    const params: Array<BindValue> = [
      { type: 11, indicator: 0, prec: 56, data: descriptor(3), blob: Uint8Array.of(1, 2, 3) },
      { type: 12, indicator: 0, prec: 0, data: descriptor(11), blob: new TextEncoder().encode("hello-text") }
    ]
    const batch: Array<ClientMessage> = [
      { _tag: "Id", statementId: 0 },
      ...bindMessages(params),
      { _tag: "Execute" },
      { _tag: "Eot" }
    ]
    assert.strictEqual(
      ok(encodeClientBatch(batch, WIDE_FRAMING)),
      hexOf("jdbc-prep-25-sq-id-bind-byte-text-bbind-execute")
    )
    const stream = collectBlobStream(batch, 2)
    assert.deepStrictEqual(stream?.blobs.map((b) => [...b]), [[1, 2, 3], [...new TextEncoder().encode("hello-text")]])
    assert.strictEqual(stream?.next, 7)
  })

  it("blob chunks are at most 1024 bytes", () => {
    const blob = new Uint8Array(2500).fill(7)
    const messages = bindMessages([{ type: 11, indicator: 0, prec: 0, data: new Uint8Array(56), blob }])
    assert.deepStrictEqual(
      messages.map((m) => (m._tag === "Blob" ? m.data.length : m._tag)),
      ["Bind", "BBind", 1024, 1024, 452, 0]
    )
    const back = collectBlobStream(messages, 1)
    assert.deepStrictEqual(back?.blobs[0], blob)
  })

  it("layoutDescribeFields assigns sequential name offsets", () => {
    const base = {
      columnStartPos: 0,
      columnType: 2,
      extendedId: 0,
      ownerName: "",
      extendedName: "",
      reference: 0,
      alignment: 0,
      sourceType: 0,
      encodedLength: 4
    }
    const fields = layoutDescribeFields([{ name: "tabid", ...base }, { name: "tabname", ...base }])
    assert.deepStrictEqual(fields.map((f) => f.fieldIndex), [0, 6])
  })

  it("BatchCollector cuts at EOT and at a bare EXIT", () => {
    const c = new BatchCollector()
    assert.deepStrictEqual(c.push([{ _tag: "Begin" }]), [])
    const batches = c.push([{ _tag: "Eot" }, { _tag: "Exit" }, { _tag: "Id", statementId: 1 }])
    assert.deepStrictEqual(batches.map((b) => b.map((m) => m._tag)), [["Begin", "Eot"], ["Exit"]])
    assert.strictEqual(c.incomplete.length, 1)
  })
})

const fails = (r: Result.Result<Uint8Array, unknown>) => assert.isTrue(Result.isFailure(r))

describe("encoders refuse impossible values", () => {
  it("u16 overflow, non-integers, Latin-1 violations", () => {
    fails(encodeClientBatch([{ _tag: "Id", statementId: 70000 }], WIDE_FRAMING))
    fails(encodeClientBatch([{ _tag: "NFetch", bufferSize: 1.5, fetchArraySize: 0 }], WIDE_FRAMING))
    fails(encodeClientBatch([{ _tag: "CurName", name: "x".repeat(70000) }], WIDE_FRAMING))
    fails(encodeClientBatch([{ _tag: "DbOpen", name: "db€", mode: 0 }], WIDE_FRAMING))
    fails(encodeClientBatch([{ _tag: "NFetch", bufferSize: 70000, fetchArraySize: 0 }], NARROW_FRAMING))
  })

  it("the writer reused across batches starts clean: after a failure, after a large batch, between batches", () => {
    const small: ReadonlyArray<ClientMessage> = [{ _tag: "Id", statementId: 7 }, { _tag: "Eot" }]
    const expected = ok(encodeClientBatch(small, WIDE_FRAMING))
    fails(encodeClientBatch([{ _tag: "Id", statementId: 7 }, { _tag: "Id", statementId: 70000 }], WIDE_FRAMING))
    assert.strictEqual(ok(encodeClientBatch(small, WIDE_FRAMING)), expected)
    const sql = new Uint8Array(100_000).fill(0x41)
    const large = encodeClientBatch([{ _tag: "Prepare", numQmarks: 0, sql }, { _tag: "Eot" }], WIDE_FRAMING)
    assert.isTrue(Result.isSuccess(large))
    const first = encodeClientBatch(small, WIDE_FRAMING)
    const second = encodeClientBatch([{ _tag: "Id", statementId: 9 }, { _tag: "Eot" }], WIDE_FRAMING)
    // Each result is its own copy: encoding the next batch does not change the previous one.
    assert.strictEqual(ok(first), expected)
    assert.notStrictEqual(ok(second), expected)
  })

  it("SQL longer than a u16 needs bit 62", () => {
    const sql = new Uint8Array(70000)
    fails(encodeClientBatch([{ _tag: "Prepare", numQmarks: 0, sql }], NARROW_FRAMING))
    assert.isTrue(Result.isSuccess(encodeClientBatch([{ _tag: "Prepare", numQmarks: 0, sql }], WIDE_FRAMING)))
  })

  it("fixed-width bind values must have their width", () => {
    fails(
      encodeClientBatch(
        [{ _tag: "Bind", params: [{ type: 2, indicator: 0, prec: 0, data: new Uint8Array(3) }] }],
        WIDE_FRAMING
      )
    )
  })

  it("DONE rows beyond i32 need bit 70; tupleSize beyond u16 needs bit 69", () => {
    const done: ServerMessage = { _tag: "Done", warnings: 0, rows: 2 ** 33, rowid: 0, serial: 0 }
    fails(encodeServerMessages([done], WIDE_FRAMING))
    assert.isTrue(Result.isSuccess(encodeServerMessages([done], EXTENDED_FRAMING)))
    const describe: ServerMessage = {
      _tag: "Describe",
      statementType: 2,
      statementId: 0,
      estimatedCost: 0,
      tupleSize: 70000,
      fields: []
    }
    fails(encodeServerMessages([describe], WIDE_FRAMING))
    assert.isTrue(Result.isSuccess(encodeServerMessages([describe], EXTENDED_FRAMING)))
  })

  it("an odd SQ_IDESCRIBE second u16 (unknown JDBC layout)", () => {
    const param = {
      type: 2,
      extendedId: 0,
      ownerName: "",
      extendedName: "",
      reference: 0,
      alignment: 0,
      sourceType: 0,
      encodedLength: 4
    }
    fails(encodeServerMessages([{ _tag: "IDescribe", unknown: 1, params: [param] }], WIDE_FRAMING))
  })
})

describe("server messages", () => {
  it("INSERTDONE: INT8 sign 0 is null, negative magnitudes", () => {
    const messages: Array<ServerMessage> = [
      { _tag: "InsertDone", serial8: null, bigserial: 6000000000n },
      { _tag: "InsertDone", serial8: -123456789012n, bigserial: -1n },
      { _tag: "InsertDone", serial8: 5000000000n, bigserial: 0n }
    ]
    const bytes = encodeServerMessages(messages, WIDE_FRAMING)
    assert.isTrue(Result.isSuccess(bytes))
    if (Result.isSuccess(bytes)) assert.deepStrictEqual(decodeServer(toHex(bytes.success)).messages, messages)
  })

  it("optional COST/XACTSTAT/INSERTDONE anywhere before EOT", () => {
    const messages: Array<ServerMessage> = [
      { _tag: "XactStat", event: 1, newLevel: 1, oldLevel: 0 },
      { _tag: "Cost", estimatedRows: 1, estimatedCost: 2 },
      { _tag: "InsertDone", serial8: 1n, bigserial: 2n },
      { _tag: "Done", warnings: 0, rows: 1, rowid: 257, serial: 1001 },
      { _tag: "XactStat", event: 2, newLevel: 0, oldLevel: 1 },
      { _tag: "Cost", estimatedRows: 0, estimatedCost: 0 },
      { _tag: "Eot" }
    ]
    for (const framing of [WIDE_FRAMING, EXTENDED_FRAMING]) {
      const bytes = encodeServerMessages(messages, framing)
      assert.isTrue(Result.isSuccess(bytes))
      if (Result.isSuccess(bytes)) {
        assert.deepStrictEqual(decodeServer(toHex(bytes.success), framing).messages, messages)
      }
    }
  })

  it("SQ_ERR with an i16 offset under narrow framing", () => {
    const err: ServerMessage = {
      _tag: "Err",
      sqlcode: -201,
      isamCode: 0,
      offset: 12,
      parameter: "near",
      form: "standard"
    }
    const bytes = encodeServerMessages([err], NARROW_FRAMING)
    assert.strictEqual(ok(bytes), "000dff370000000c00046e656172")
    assert.deepStrictEqual(decodeServer("000dff370000000c00046e656172", NARROW_FRAMING).messages, [err])
  })

  it("unknown opcode is fatal and sticky", () => {
    const decoder = new ServerMessageDecoder({ expectConnect: false })
    const first = decoder.push(fromHex("000c00fa0000"))
    assert.deepStrictEqual(first.messages, [{ _tag: "Eot" }])
    assert.strictEqual(first.error?.opcode, 250)
    assert.strictEqual(first.error?.offset, 2)
    const again = decoder.push(fromHex("000c"))
    assert.strictEqual(again.messages.length, 0)
    assert.isDefined(again.error)
  })
})

describe("BYTE/TEXT descriptors under the extended framing", () => {
  // JDBC 15.0.1.0 sends 68-byte BYTE/TEXT descriptors in SQ_BIND and SQ_FETCHBLOB once bits 69/70 are granted
  // (captured by the conformance proxy; docs/protocol-evidence.md). Row descriptors stay 56 bytes.
  const descriptor = (n: number) => Uint8Array.from({ length: n }, (_, i) => i)
  const batch = (width: number): ReadonlyArray<ClientMessage> => [
    { _tag: "Id", statementId: 0 },
    { _tag: "Bind", params: [{ type: 11, indicator: 0, prec: 56, data: descriptor(width) }] },
    { _tag: "FetchBlob", descriptor: descriptor(width) },
    { _tag: "Eot" }
  ]

  it("are 68 bytes with EXTENDED_FRAMING and 56 bytes otherwise, both ways", () => {
    for (const [framing, width] of [[EXTENDED_FRAMING, 68], [WIDE_FRAMING, 56]] as const) {
      const bytes = encodeClientBatch(batch(width), framing)
      assert.isTrue(Result.isSuccess(bytes))
      const decoder = new ClientMessageDecoder({ framing, expectConnect: false })
      const { messages, error } = decoder.push(Result.getOrThrow(bytes))
      assert.isUndefined(error)
      assert.deepStrictEqual(messages, [...batch(width)])
    }
  })

  it("a descriptor of the other width is refused by the encoder", () => {
    assert.isTrue(Result.isFailure(encodeClientBatch(batch(56), EXTENDED_FRAMING)))
    assert.isTrue(Result.isFailure(encodeClientBatch(batch(68), WIDE_FRAMING)))
  })
})
