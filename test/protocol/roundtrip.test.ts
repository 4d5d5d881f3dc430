/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Property: every message the model can express encodes and decodes back to itself, under every framing, in any
 * chunking. Covers the message types no golden vector contains (savepoints, SFETCH, DBLIST, PAM, …).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Result from "effect/Result"
import * as fc from "fast-check"
import {
  ClientMessageDecoder,
  encodeClientBatch,
  encodeServerMessages,
  ServerMessageDecoder
} from "../../src/internal/protocol/codec.ts"
import { EXTENDED_FRAMING, NARROW_FRAMING, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import { layoutDescribeFields } from "../../src/internal/protocol/helpers.ts"
import type {
  BindValue,
  ClientMessage,
  DescribeField,
  Framing,
  ServerMessage
} from "../../src/internal/protocol/messages.ts"

const u16 = fc.integer({ min: 0, max: 0xffff })
const i16 = fc.integer({ min: -0x8000, max: 0x7fff })
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff })
const small = fc.integer({ min: 0, max: 0x7fff })
const bytes = (maxLength = 40) => fc.uint8Array({ maxLength })
/** Latin-1 per-byte strings. */
const latin1 = (minLength = 0, maxLength = 20) =>
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength, maxLength }).map((a) => String.fromCharCode(...a))
const name = latin1(1, 20).filter((s) => !s.includes("\0"))

const width = (type: number, framing: Framing): number =>
  type === 11 || type === 12 ? blobWidth(framing) : fixedWidth[type]!

const fixedWidth: Record<number, number> = {
  1: 2,
  2: 4,
  3: 8,
  4: 4,
  6: 4,
  7: 4,
  11: 56,
  12: 56,
  17: 10,
  18: 10,
  52: 8,
  53: 8
}

/** BYTE/TEXT descriptors are 68 bytes under the extended framing (see bindFraming.ts `blobDescriptorWidth`). */
const blobWidth = (framing: Framing): number => framing.tupleSize32 || framing.done22 ? 68 : 56

const bindValue = (framing: Framing): fc.Arbitrary<BindValue> =>
  fc.oneof(
    // NULL of any type
    fc.record({
      type: fc.constantFrom(0, 2, 13),
      indicator: fc.constant(-1),
      prec: u16,
      data: fc.constant(new Uint8Array(0))
    }),
    // fixed widths
    fc.constantFrom(1, 2, 3, 4, 6, 7, 11, 12, 17, 18, 52, 53).chain((type) =>
      fc.record({
        type: fc.constant(type),
        indicator: fc.constant(0),
        prec: u16,
        data: fc.uint8Array({ minLength: width(type, framing), maxLength: width(type, framing) })
      })
    ),
    fc.record({
      type: fc.constantFrom(0, 5, 8, 10, 13, 14, 15, 16),
      indicator: fc.constant(0),
      prec: u16,
      data: bytes()
    }),
    fc.record({
      type: fc.constantFrom(40, 41, 43, 45),
      ownerName: latin1(),
      extendedName: latin1(),
      indicator: fc.constant(0),
      prec: u16,
      data: bytes()
    })
  )

const clientMessage = (framing: Framing): fc.Arbitrary<ClientMessage> => {
  const buffer = framing.fetchBuffer32 ? fc.integer({ min: 0, max: 0x7fffffff }) : u16
  const bare = fc.constantFrom<ClientMessage>(
    ...([
      "NDescribe",
      "WantDone",
      "Scroll",
      "Hold",
      "Open",
      "Execute",
      "Ferr",
      "CiDescribe",
      "Close",
      "Release",
      "Begin",
      "CommitWork",
      "DbClose",
      "VersionRequest",
      "DbListRequest",
      "BatchStart",
      "BatchEnd",
      "Ack",
      "Exit",
      "Eot"
    ] as const)
      .map((tag) => ({ _tag: tag }) as ClientMessage)
  )
  return fc.oneof(
    bare,
    fc.record({ _tag: fc.constantFrom("Command" as const, "Prepare" as const), numQmarks: u16, sql: bytes(200) }),
    fc.record({ _tag: fc.constant("SgkPrepare" as const), value: u16 }),
    fc.record({ _tag: fc.constant("Id" as const), statementId: u16 }),
    fc.record({ _tag: fc.constant("CurName" as const), name: latin1() }),
    fc.record({ _tag: fc.constant("Bind" as const), params: fc.array(bindValue(framing), { maxLength: 5 }) }),
    fc.record({ _tag: fc.constant("BBind" as const), blobCount: u16 }),
    fc.record({ _tag: fc.constant("Blob" as const), data: bytes() }),
    fc.record({ _tag: fc.constant("NFetch" as const), bufferSize: buffer, fetchArraySize: u16 }),
    fc.record({ _tag: fc.constant("SFetch" as const), scrollType: i16, target: i32, bufferSize: buffer }),
    fc.record({
      _tag: fc.constant("RetType" as const),
      direction: u16,
      columns: fc.array(
        fc.oneof(
          fc.record({ type: fc.constantFrom(0, 2, 13, 40), encodedLength: i32 }),
          fc.record({ type: fc.constantFrom(43, 45), ownerName: latin1(), typeName: latin1(), encodedLength: i32 })
        ),
        { maxLength: 5 }
      )
    }),
    fc.record({ _tag: fc.constant("RollbackWork" as const), savepointLevel: u16 }),
    fc.record({ _tag: fc.constant("SetSavepoint" as const), name: latin1(), unique: u16 }),
    fc.record({ _tag: fc.constantFrom("ReleaseSavepoint" as const, "RollbackSavepoint" as const), name: latin1() }),
    fc.record({
      _tag: fc.constant("Info" as const),
      infoType: fc.constant(6),
      totalLength: u16,
      maxNameLength: u16,
      maxValueLength: u16,
      env: fc.array(fc.tuple(name, latin1()), { maxLength: 4 }),
      raw: fc.constant(new Uint8Array(0))
    }),
    bytes(30).map((raw): ClientMessage => ({
      _tag: "Info",
      infoType: 3,
      totalLength: raw.length,
      maxNameLength: 0,
      maxValueLength: 0,
      env: [],
      raw
    })),
    fc.record({ _tag: fc.constant("DbOpen" as const), name: latin1(), mode: u16 }),
    fc.record({ _tag: fc.constant("Protocols" as const), mask: bytes(12) }),
    fc.record({
      _tag: fc.constant("FetchBlob" as const),
      descriptor: fc.uint8Array({ minLength: blobWidth(framing), maxLength: blobWidth(framing) })
    }),
    fc.record({ _tag: fc.constant("PamResponse" as const), text: latin1() })
  )
}

const describeFields: fc.Arbitrary<Array<DescribeField>> = fc.array(
  fc.record({
    name: name,
    columnStartPos: i32,
    columnType: u16,
    extendedId: i32,
    ownerName: latin1(),
    extendedName: latin1(),
    reference: u16,
    alignment: u16,
    sourceType: i32,
    encodedLength: i32
  }),
  { maxLength: 5 }
).map(layoutDescribeFields)

const serverMessage = (framing: Framing): fc.Arbitrary<ServerMessage> => {
  const describe = fc.record({
    _tag: fc.constantFrom("Describe" as const, "SgkDescribe" as const),
    statementType: small,
    statementId: u16,
    estimatedCost: i32,
    tupleSize: framing.tupleSize32 ? fc.integer({ min: 0, max: 0x7fffffff }) : u16,
    fields: describeFields
  })
  const count = framing.done22 ? fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }) : i32
  const param = fc.record({
    type: u16,
    extendedId: i32,
    ownerName: latin1(),
    extendedName: latin1(),
    reference: u16,
    alignment: u16,
    sourceType: i32,
    encodedLength: i32
  })
  return fc.oneof(
    describe,
    fc.record({ _tag: fc.constantFrom("Tuple" as const, "SgkTuple" as const), warnings: i16, payload: bytes(100) }),
    fc.record({ _tag: fc.constant("Done" as const), warnings: i16, rows: count, rowid: count, serial: i32 }),
    fc.record({
      _tag: fc.constant("Err" as const),
      sqlcode: i16.filter((c) => ![0, 100, -937, -619, -368].includes(c)),
      isamCode: i16,
      offset: framing.errOffset32 ? i32 : i16,
      parameter: latin1(),
      form: fc.constant("standard" as const)
    }),
    fc.record({ _tag: fc.constant("Cost" as const), estimatedRows: i32, estimatedCost: i32 }),
    fc.record({ _tag: fc.constant("XactStat" as const), event: i16, newLevel: i16, oldLevel: i16 }),
    fc.record({
      _tag: fc.constant("InsertDone" as const),
      serial8: fc.option(fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }).filter((v) => v !== 0n), {
        nil: null
      }),
      bigserial: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    }),
    fc.record({ _tag: fc.constant("TupId" as const), rowNumber: i32 }),
    fc.record({
      _tag: fc.constant("IDescribe" as const),
      unknown: fc.integer({ min: 0, max: 0x7fff }).map((n) => n * 2),
      params: fc.array(param, { minLength: 1, maxLength: 4 })
    }),
    fc.constant<ServerMessage>({ _tag: "IDescribe", unknown: 0, params: [] }),
    fc.record({ _tag: fc.constant("Version" as const), text: latin1() }),
    fc.record({ _tag: fc.constant("Protocols" as const), mask: bytes(12) }),
    fc.record({ _tag: fc.constant("Blob" as const), data: bytes() }),
    fc.record({ _tag: fc.constant("DbList" as const), names: fc.array(name, { maxLength: 4 }) }),
    fc.record({ _tag: fc.constant("PamChallenge" as const), style: u16, text: latin1() }),
    fc.constantFrom<ServerMessage>({ _tag: "PamAccept" }, { _tag: "Exit" }, { _tag: "Eot" })
  )
}

const framings = [["narrow", NARROW_FRAMING], ["wide", WIDE_FRAMING], ["extended", EXTENDED_FRAMING]] as const

/** Decode `encoded` cut at `cuts`, collecting messages; fails the test on a decode error. */
const decodeAll = (
  decoder: ClientMessageDecoder | ServerMessageDecoder,
  encoded: Uint8Array,
  cuts: ReadonlyArray<number>
): Array<unknown> => {
  const points = [...new Set(cuts.map((c) => c % (encoded.length + 1))), encoded.length].toSorted((a, b) => a - b)
  const out: Array<unknown> = []
  let from = 0
  for (const to of points) {
    const result = decoder.push(encoded.subarray(from, to))
    assert.isUndefined(result.error, result.error?.message)
    out.push(...result.messages)
    from = to
  }
  assert.strictEqual(decoder.bufferedBytes, 0)
  return out
}

describe("encode → decode round trip", () => {
  for (const [label, framing] of framings) {
    it(`client messages (${label})`, () => {
      fc.assert(
        fc.property(
          fc.array(clientMessage(framing), { maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (messages, cuts) => {
            const encoded = encodeClientBatch(messages, framing)
            assert.isTrue(Result.isSuccess(encoded))
            if (!Result.isSuccess(encoded)) return
            const decoder = new ClientMessageDecoder({ framing, expectConnect: false })
            assert.deepStrictEqual(decodeAll(decoder, encoded.success, cuts), messages)
          }
        ),
        { numRuns: 400 }
      )
    })

    it(`server messages (${label})`, () => {
      fc.assert(
        fc.property(
          fc.array(serverMessage(framing), { maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (messages, cuts) => {
            const encoded = encodeServerMessages(messages, framing)
            assert.isTrue(Result.isSuccess(encoded), Result.isFailure(encoded) ? encoded.failure.message : "")
            if (!Result.isSuccess(encoded)) return
            const decoder = new ServerMessageDecoder({ framing, expectConnect: false })
            assert.deepStrictEqual(decodeAll(decoder, encoded.success, cuts), messages)
          }
        ),
        { numRuns: 400 }
      )
    })
  }
})
