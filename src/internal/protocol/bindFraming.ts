/**
 * SQ_BIND parameter framing (SQLI.md §7.5, VALUES.md §7.1/§7.3). The values layer produces `BindValue.data` as the
 * bare value bytes; the wire form around them depends only on the type code:
 *
 * - fixed widths (SMALLINT 2; INTEGER/SERIAL/DATE/SMALLFLOAT 4; FLOAT/BIGINT/BIGSERIAL 8; INT8/SERIAL8 10;
 *   BYTE/TEXT the 56-byte descriptor) go raw;
 * - every other code ≤ 18 (CHAR, VARCHAR, NCHAR, NVARCHAR, DECIMAL, MONEY, DATETIME, INTERVAL, …) is `u16 len` + data;
 * - extended types (code > 18 except BIGINT 52 / BIGSERIAL 53) carry `char owner, char name` between the type and the
 *   indicator, and a `u32 len` (JDBC 15, golden/jdbc-prep-21 — a bind without the name block hangs a real server);
 * - NULL (indicator -1): nothing after the precision word (JDBC and ifxdrv, golden/jdbc-prep-06, pyifx-bind-types);
 * - everything is padded to an even length.
 *
 * @internal
 */
import { baseType, isExtendedBindType as isExtendedBindCode } from "../values/typeCodes.ts"
import type { Reader } from "../wire/Reader.ts"
import type { CheckedWriter } from "./checkedWriter.ts"
import type { BindValue, Framing } from "./messages.ts"

/**
 * The BYTE/TEXT bind descriptor is 56 bytes, but 68 when the extended framing (capability bits 69/70) is in effect:
 * JDBC 15.0.1.0 then sends 68 bytes in SQ_BIND and in SQ_FETCHBLOB, while row descriptors stay 56 (captured by the
 * conformance proxy; docs/protocol-evidence.md). Which of the two bits causes it is not separated, so either counts.
 */
export const blobDescriptorWidth = (framing: Framing | undefined): number =>
  framing !== undefined && (framing.tupleSize32 || framing.done22) ? 68 : 56

/** Width of a fixed-width bind value, or undefined when the type carries a length prefix. */
export const fixedBindWidth = (type: number, framing?: Framing | undefined): number | undefined => {
  switch (type & 0xff) {
    case 1:
      return 2 // SMALLINT
    case 2: // INTEGER
    case 4: // SMALLFLOAT
    case 6: // SERIAL
    case 7: // DATE
      return 4
    case 3: // FLOAT
    case 52: // BIGINT
    case 53: // BIGSERIAL
      return 8
    case 17: // INT8
    case 18: // SERIAL8
      return 10
    case 11: // BYTE
    case 12: // TEXT
      return blobDescriptorWidth(framing) // the content travels in SQ_BBIND/SQ_BLOB
    default:
      return undefined
  }
}

/** Extended types carry the owner/name block and a 4-byte length. */
export const isExtendedBindType = (type: number): boolean => isExtendedBindCode(baseType(type))

/** BYTE (11) and TEXT (12): content streamed with SQ_BBIND after the SQ_BIND. */
export const isLegacyBlobType = (type: number): boolean => (type & 0xff) === 11 || (type & 0xff) === 12

export const writeBindValue = (w: CheckedWriter, p: BindValue, index: number, framing?: Framing): void => {
  const field = `bind[${index}]`
  w.s16(p.type, `${field}.type`)
  const extended = isExtendedBindType(p.type)
  if (extended) {
    w.char(p.ownerName ?? "", `${field}.ownerName`)
    w.char(p.extendedName ?? "", `${field}.extendedName`)
  }
  w.i16(p.indicator, `${field}.indicator`)
  w.s16(p.prec, `${field}.prec`)
  if (p.indicator === -1) return
  const width = fixedBindWidth(p.type, framing)
  if (width !== undefined) {
    if (p.data.length !== width) {
      w.fail(`${field}: type ${p.type} needs exactly ${width} data bytes, got ${p.data.length}`)
      return
    }
    w.padded(p.data)
  } else if (extended) {
    w.u32(p.data.length, `${field}.length`)
    w.padded(p.data)
  } else {
    w.u16(p.data.length, `${field}.length`)
    w.padded(p.data)
  }
}

const EMPTY: Uint8Array = new Uint8Array(0)

export const readBindValue = (r: Reader, maxLength: number, framing?: Framing): BindValue => {
  const type = r.i16()
  let ownerName: string | undefined
  let extendedName: string | undefined
  const extended = isExtendedBindType(type)
  if (extended) {
    ownerName = r.char(maxLength)
    extendedName = r.char(maxLength)
  }
  const indicator = r.i16()
  const prec = r.u16()
  let data = EMPTY
  if (indicator !== -1) {
    const width = fixedBindWidth(type, framing)
    let n: number
    if (width !== undefined) n = width
    else if (extended) n = r.u32()
    else n = r.u16()
    if (n > maxLength) r.fail(`bind value length ${n} exceeds maxMessageSize`)
    else data = r.padded(n)
  }
  const base = { type, indicator, prec, data }
  return extended ? { ...base, ownerName: ownerName ?? "", extendedName: extendedName ?? "" } : base
}
