/**
 * Helpers for the value-layer tests: golden vectors from the sibling `shared/protocol` folder, hex, column shapes,
 * and an SQ_BIND parameter reader written from VALUES.md §7.1 (independent of the message layer).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { BindValue, ColumnInfo, ValueContext } from "../../src/internal/values/index.ts"
import { bindLengthPrefix, charsetForLocale, isExtendedBindType } from "../../src/internal/values/index.ts"

export const sharedDir = path.resolve(process.cwd(), "../shared/protocol")

export interface GoldenField {
  readonly offset: number
  readonly length: number
  readonly name: string
  readonly value: unknown
}

export interface Golden {
  readonly name: string
  readonly hex: string
  readonly fields: ReadonlyArray<GoldenField>
  readonly bytes: Uint8Array
}

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ""), "hex"))
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

export const golden = (name: string): Golden => {
  const json = JSON.parse(fs.readFileSync(path.join(sharedDir, "golden", `${name}.json`), "utf8"))
  return { ...json, bytes: fromHex(json.hex) }
}

/** The payload of the SQ_TUPLE that starts a server reply (tag, warnings:u16, size:u32, payload). */
export const tuplePayload = (g: Golden): Uint8Array => {
  const view = new DataView(g.bytes.buffer, g.bytes.byteOffset)
  if (view.getUint16(0) !== 14) throw new Error(`${g.name} does not start with SQ_TUPLE`)
  const size = view.getUint32(4)
  return g.bytes.subarray(8, 8 + size)
}

export const column = (columnType: number, encodedLength: number, extendedId = 0, extendedName = ""): ColumnInfo => ({
  columnType,
  extendedId,
  extendedName,
  encodedLength
})

export const latin1Ctx: ValueContext = { charset: charsetForLocale("en_US.8859-1")! }
export const utf8Ctx: ValueContext = { charset: charsetForLocale("en_US.utf8")! }

const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1")

/**
 * Read `count` SQ_BIND parameters starting at `offset` (VALUES.md §7.1): `type, [owner, name], indicator, prec,
 * [len] data pad`. BYTE/TEXT data is the 56-byte descriptor.
 */
export const readBindParams = (bytes: Uint8Array, offset: number, count: number): Array<BindValue> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  let pos = offset
  const u16 = () => {
    const v = view.getUint16(pos)
    pos += 2
    return v
  }
  const padded = (n: number) => {
    const v = bytes.slice(pos, pos + n)
    pos += n + (n % 2)
    return v
  }
  const out: Array<BindValue> = []
  for (let i = 0; i < count; i++) {
    const type = u16()
    let names: { ownerName: string; extendedName: string } | undefined
    if (isExtendedBindType(type)) {
      const owner = latin1(padded(u16()))
      const name = latin1(padded(u16()))
      names = { ownerName: owner, extendedName: name }
    }
    const indicator = view.getInt16(pos)
    pos += 2
    const prec = u16()
    let data = new Uint8Array(0)
    if (indicator !== -1) {
      const prefix = bindLengthPrefix(type)
      if (prefix === 2) data = padded(u16())
      else if (prefix === 4) {
        const n = view.getInt32(pos)
        pos += 4
        data = padded(n)
      } else data = padded(fixedBindWidth(type))
    }
    out.push({ type, indicator, prec, data, ...names })
  }
  return out
}

const fixedBindWidth = (type: number): number => {
  switch (type) {
    case 1:
      return 2
    case 2:
    case 4:
    case 6:
    case 7:
      return 4
    case 3:
    case 52:
    case 53:
      return 8
    case 17:
    case 18:
      return 10
    case 11:
    case 12:
      return 56
    default:
      throw new Error(`no fixed width for bind type ${type}`)
  }
}

/** A BindValue without `undefined` optional keys, for deep comparison. */
export const plainBind = (b: BindValue) => ({
  type: b.type,
  indicator: b.indicator,
  prec: b.prec,
  data: toHex(b.data),
  ...(b.ownerName === undefined ? {} : { ownerName: b.ownerName }),
  ...(b.extendedName === undefined ? {} : { extendedName: b.extendedName })
})
