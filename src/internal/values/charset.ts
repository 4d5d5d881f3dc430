/**
 * Locale → code set → codec (VALUES.md §11).
 *
 * Character data travels in the *database* code set and the client converts (IBM GLS rule, §11.1). A locale is
 * `language_territory.codeset[@modifier]` where the code set may be spelled as its GLS name, its decimal number or
 * its 4-digit hex number (`en_us.8859-1` = `en_us.819` = `en_us.0333`, §11.2). Names are matched case-insensitively.
 */
import iconv from "iconv-lite"
import { CodecFailure } from "./CodecFailure.ts"

export interface Charset {
  /** The GLS code-set name (`8859-1`, `utf8`, `CP1252`, …). */
  readonly name: string
  /** The GLS code-set number (819, 57372, …) when known. */
  readonly codeSet?: number
  encode(s: string): Uint8Array
  decode(b: Uint8Array): string
  /**
   * `decode(b.subarray(start, end))` without making the view: the row decoder calls it for every CHAR/VARCHAR value.
   */
  decodeRange(b: Uint8Array, start: number, end: number): string
}

interface CodeSetEntry {
  readonly name: string
  readonly number: number
  readonly aliases: ReadonlyArray<string>
  /** iconv-lite encoding name ("utf8" handled natively). */
  readonly iconv: string
}

// Numbers from IBM's JDBC guide "Unicode to database code set" table, cross-checked with libsqli and the GLS
// "Supported code set names" page (VALUES.md §11.2). 8859-15 is listed under both 57391 (libsqli) and 923 (the IBM
// CCSID informix-driver treats as 8859-15) — §14 Q11: accept both when parsing.
const codeSets: ReadonlyArray<CodeSetEntry> = [
  { name: "8859-1", number: 819, aliases: ["iso8859-1", "iso-8859-1", "latin1"], iconv: "iso-8859-1" },
  { name: "utf8", number: 57372, aliases: ["utf-8"], iconv: "utf8" },
  { name: "CP1250", number: 1250, aliases: [], iconv: "windows-1250" },
  { name: "CP1251", number: 1251, aliases: [], iconv: "windows-1251" },
  { name: "CP1252", number: 1252, aliases: [], iconv: "windows-1252" },
  { name: "CP1253", number: 1253, aliases: [], iconv: "windows-1253" },
  { name: "CP1254", number: 1254, aliases: [], iconv: "windows-1254" },
  { name: "CP1255", number: 1255, aliases: [], iconv: "windows-1255" },
  { name: "CP1256", number: 1256, aliases: [], iconv: "windows-1256" },
  { name: "CP1257", number: 1257, aliases: [], iconv: "windows-1257" },
  { name: "8859-2", number: 912, aliases: [], iconv: "iso-8859-2" },
  { name: "8859-3", number: 57346, aliases: [], iconv: "iso-8859-3" },
  { name: "8859-4", number: 57347, aliases: [], iconv: "iso-8859-4" },
  { name: "8859-5", number: 915, aliases: [], iconv: "iso-8859-5" },
  { name: "8859-6", number: 1089, aliases: [], iconv: "iso-8859-6" },
  { name: "8859-7", number: 813, aliases: [], iconv: "iso-8859-7" },
  { name: "8859-8", number: 916, aliases: [], iconv: "iso-8859-8" },
  { name: "8859-9", number: 920, aliases: [], iconv: "iso-8859-9" },
  { name: "8859-13", number: 57390, aliases: [], iconv: "iso-8859-13" },
  { name: "8859-15", number: 57391, aliases: ["923"], iconv: "iso-8859-15" },
  { name: "ASCII", number: 364, aliases: [], iconv: "ascii" },
  // GB2312 databases: decode with GBK, a strict superset, so nothing valid is lost.
  { name: "gb", number: 57357, aliases: ["gb2312-80", "cp936", "gb2312", "gbk"], iconv: "gbk" },
  { name: "GB18030-2000", number: 5488, aliases: ["gb18030"], iconv: "gb18030" },
  { name: "big5", number: 57352, aliases: [], iconv: "big5" },
  // KSC 5601 / EUC-KR: CP949 is the superset Windows and IBM's JDBC map it to.
  { name: "ksc", number: 57356, aliases: ["ks5601", "cp_949", "cp949", "euc-kr"], iconv: "cp949" },
  { name: "sjis", number: 57350, aliases: ["shift_jis", "shift-jis"], iconv: "shift_jis" },
  { name: "sjis-s", number: 932, aliases: ["cp932"], iconv: "cp932" },
  { name: "PC-Latin-1", number: 850, aliases: ["cp850"], iconv: "cp850" },
  { name: "PC-Latin-2", number: 852, aliases: ["cp852"], iconv: "cp852" },
  { name: "PC866", number: 866, aliases: ["cp866"], iconv: "cp866" },
  { name: "CP857", number: 857, aliases: [], iconv: "cp857" },
  { name: "CP864", number: 864, aliases: [], iconv: "cp864" },
  { name: "CP874", number: 57373, aliases: ["874"], iconv: "cp874" }
]

const byKey = new Map<string, CodeSetEntry>()
for (const entry of codeSets) {
  byKey.set(entry.name.toLowerCase(), entry)
  byKey.set(String(entry.number), entry)
  for (const alias of entry.aliases) byKey.set(alias.toLowerCase(), entry)
}

const textEncoder = new TextEncoder()
// fatal: false — a malformed byte becomes U+FFFD instead of failing the whole row, as iconv-lite does for others.
const utf8Decoder = new TextDecoder("utf-8")

const charsets = new Map<CodeSetEntry, Charset>()

/** True when every byte is 7-bit ASCII (all listed code sets are ASCII supersets, so such bytes decode as is). */
const isAscii = (b: Uint8Array): boolean => isAsciiRange(b, 0, b.length)

const isAsciiRange = (b: Uint8Array, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) if (b[i]! > 0x7f) return false
  return true
}

/**
 * One char per byte (ISO-8859-1): Node's native latin1 slice, about 4× faster than `String.fromCharCode.apply` on
 * the short strings rows carry (measured on Node 26). It is a method of `Buffer.prototype` that works on any
 * Uint8Array; where it is missing, the portable path below is used.
 */
const nativeLatin1Slice = (Buffer.prototype as unknown as {
  readonly latin1Slice?: (this: Uint8Array, start: number, end: number) => string
}).latin1Slice
const bytesToLatin1 = (b: Uint8Array): string => rangeToLatin1(b, 0, b.length)
const rangeToLatin1 = (b: Uint8Array, start: number, end: number): string =>
  end - start <= SHORT_TEXT
    ? shortLatin1(b, start, end - start)
    : nativeLatin1Slice !== undefined
    ? nativeLatin1Slice.call(b, start, end)
    : fromCodes(b.subarray(start, end))

/**
 * Up to this many bytes, {@link shortLatin1} beats the native slice (a call into C++ costs about 45–55 ns): each
 * argument past 16 costs about 1.7 ns, so 24 bytes take 41 ns against 55 for the slice and 32 bytes break even
 * (Node 26, issue #17 round 6).
 */
const SHORT_TEXT = 24

const fromCharCode = String.fromCharCode

/**
 * `n` (≤ {@link SHORT_TEXT}) bytes as one char each, by a `String.fromCharCode` call of exactly `n` arguments: V8
 * builds the flat string in place, 2–3× faster than the native slice on the short values rows carry (CHAR codes,
 * names; 12 ns for 4 bytes, 26 ns for 16, vs 46–49 ns, Node 26). A loop or `apply` is slower than the native slice,
 * so the arities are spelled out.
 */
const shortLatin1 = (b: Uint8Array, s: number, n: number): string => {
  switch (n) {
    case 0:
      return ""
    case 1:
      return fromCharCode(b[s]!)
    case 2:
      return fromCharCode(b[s]!, b[s + 1]!)
    case 3:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!)
    case 4:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!)
    case 5:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!)
    case 6:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!)
    case 7:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!)
    case 8:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!)
    case 9:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!)
    case 10:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!
      )
    case 11:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!
      )
    case 12:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!
      )
    case 13:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!
      )
    case 14:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!
      )
    case 15:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!
      )
    case 16:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!
      )
    case 17:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!
      )
    case 18:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!
      )
    case 19:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!
      )
    case 20:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!,
        b[s + 19]!
      )
    case 21:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!,
        b[s + 19]!,
        b[s + 20]!
      )
    case 22:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!,
        b[s + 19]!,
        b[s + 20]!,
        b[s + 21]!
      )
    case 23:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!,
        b[s + 19]!,
        b[s + 20]!,
        b[s + 21]!,
        b[s + 22]!
      )
    case 24:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
        b[s + 15]!,
        b[s + 16]!,
        b[s + 17]!,
        b[s + 18]!,
        b[s + 19]!,
        b[s + 20]!,
        b[s + 21]!,
        b[s + 22]!,
        b[s + 23]!
      )
    default:
      return fromCodes(b.subarray(s, s + n))
  }
}

/** Short runs decode fastest through String.fromCharCode; long ones in chunks to stay under argument limits. */
const fromCodes = (codes: ArrayLike<number>): string => {
  if (codes.length <= 1024) return String.fromCharCode.apply(null, codes as Array<number>)
  let out = ""
  for (let i = 0; i < codes.length; i += 1024) {
    out += String.fromCharCode.apply(null, Array.prototype.slice.call(codes, i, i + 1024) as Array<number>)
  }
  return out
}

const asciiEncode = (s: string): Uint8Array | undefined => {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) return undefined
    out[i] = c
  }
  return out
}

const iconvEncode = (s: string, encoding: string): Uint8Array => {
  const buffer = iconv.encode(s, encoding)
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * Single-byte code sets decode through a 256-entry table built once from iconv-lite (a row decoder calls this for
 * every CHAR/VARCHAR value, so the per-call Buffer work of iconv-lite is avoided); multi-byte ones go to iconv-lite
 * unless the bytes are plain ASCII.
 */
const singleByte = new Set(["iso-8859-1", "ascii"])
const isSingleByte = (encoding: string): boolean =>
  singleByte.has(encoding) || /^(iso-8859-\d+|windows-125\d|cp8\d\d)$/.test(encoding)

const charsetOf = (entry: CodeSetEntry): Charset => {
  const cached = charsets.get(entry)
  if (cached !== undefined) return cached
  let charset: Charset
  if (entry.iconv === "utf8") {
    charset = {
      name: entry.name,
      codeSet: entry.number,
      encode: (s) => asciiEncode(s) ?? textEncoder.encode(s),
      decode: (b) => (b.length < 64 && isAscii(b) ? bytesToLatin1(b) : utf8Decoder.decode(b)),
      decodeRange: (b, start, end) =>
        end - start < 64 && isAsciiRange(b, start, end)
          ? rangeToLatin1(b, start, end)
          : utf8Decoder.decode(b.subarray(start, end))
    }
  } else if (isSingleByte(entry.iconv)) {
    const all = new Uint8Array(256)
    for (let i = 0; i < 256; i++) all[i] = i
    const table = iconv.decode(all, entry.iconv)
    const codes = new Uint16Array(256)
    for (let i = 0; i < 256; i++) codes[i] = table.charCodeAt(i)
    // CP864 maps 0x25 to the Arabic percent sign: the ASCII shortcuts apply only where 0..127 are ASCII.
    let asciiIdentity = true
    for (let i = 0; i < 128; i++) if (codes[i] !== i) asciiIdentity = false
    // ISO-8859-1 maps every byte to the same code point: no ASCII check, no table.
    let identity = asciiIdentity
    for (let i = 128; i < 256; i++) if (codes[i] !== i) identity = false
    const decodeRange = (b: Uint8Array, start: number, end: number): string => {
      if (identity || (asciiIdentity && isAsciiRange(b, start, end))) return rangeToLatin1(b, start, end)
      const mapped = new Uint16Array(end - start)
      for (let i = start; i < end; i++) mapped[i - start] = codes[b[i]!]!
      return fromCodes(mapped)
    }
    charset = {
      name: entry.name,
      codeSet: entry.number,
      encode: (s) => (asciiIdentity ? asciiEncode(s) : undefined) ?? iconvEncode(s, entry.iconv),
      decode: (b) => decodeRange(b, 0, b.length),
      decodeRange
    }
  } else {
    charset = {
      name: entry.name,
      codeSet: entry.number,
      encode: (s) => asciiEncode(s) ?? iconvEncode(s, entry.iconv),
      decode: (b) => (isAscii(b) ? bytesToLatin1(b) : iconv.decode(b, entry.iconv)),
      decodeRange: (b, start, end) =>
        isAsciiRange(b, start, end)
          ? rangeToLatin1(b, start, end)
          : iconv.decode(b.subarray(start, end), entry.iconv)
    }
  }
  charsets.set(entry, charset)
  return charset
}

/** The code-set entry named by a code-set spelling (GLS name, decimal number or 4-digit hex number). */
const lookupCodeSet = (spelling: string): CodeSetEntry | undefined => {
  const key = spelling.trim().toLowerCase()
  const direct = byKey.get(key)
  if (direct !== undefined) return direct
  // Hex spelling names the locale files on disk (`0333` = 819); try it only after the decimal/name forms.
  if (/^[0-9a-f]{4}$/.test(key)) return byKey.get(String(parseInt(key, 16)))
  return undefined
}

/** Charset of a code-set spelling alone (`"utf8"`, `"819"`, `"0333"`). */
export const charsetForCodeSet = (spelling: string): Charset | undefined => {
  const entry = lookupCodeSet(spelling)
  return entry === undefined ? undefined : charsetOf(entry)
}

/**
 * Charset of a locale such as `en_US.8859-1`, `en_us.819`, `de_DE.8859-15`, `ja_JP.sjis`, `zh_CN.GB18030-2000`,
 * `en_US.utf8@mod`. `undefined` for an unknown code set or a string without one.
 */
export const charsetForLocale = (locale: string): Charset | undefined => {
  const dot = locale.indexOf(".")
  if (dot < 0) return undefined
  const rest = locale.slice(dot + 1)
  const at = rest.indexOf("@")
  return charsetForCodeSet(at < 0 ? rest : rest.slice(0, at))
}

/** Informix's default locale on UNIX (IBM-DOC ODBC "Global Language Support"). */
export const DEFAULT_LOCALE = "en_US.8859-1"

/** ISO-8859-1, the default database code set. */
export const latin1Charset: Charset = charsetOf(codeSets[0]!)

const QUESTION = 0x3f

const countQuestionMarks = (bytes: Uint8Array): number => {
  let n = 0
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === QUESTION) n++
  return n
}

/**
 * Encode text for the wire, failing instead of silently substituting `?` for characters the code set cannot hold
 * (iconv-lite's behaviour). None of the supported multi-byte code sets uses 0x3F as a trail byte, so an extra 0x3F
 * in the output can only be a substitution.
 */
export const encodeText = (charset: Charset, text: string): Uint8Array | CodecFailure => {
  const bytes = charset.encode(text)
  if (charset.name === "utf8") return bytes
  let expected = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === QUESTION) expected++
  if (countQuestionMarks(bytes) === expected) return bytes
  let position = 0
  for (const ch of text) {
    position++
    if (ch !== "?" && countQuestionMarks(charset.encode(ch)) > 0) {
      // The character itself is part of the value (which may be a secret): say where, not what.
      return new CodecFailure(`a character cannot be represented in code set ${charset.name} (character ${position})`)
    }
  }
  return bytes
}
