/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Loads the golden SQLI vectors from the sibling `shared/protocol/golden` folder (stable relative to the repo root in
 * CI: a fresh clone with shared/ next to it) and says how each one must be decoded.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { EXTENDED_FRAMING, NARROW_FRAMING, WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import type { Framing } from "../../src/internal/protocol/messages.ts"

export interface GoldenVector {
  readonly name: string
  readonly direction: "client-to-server" | "server-to-client"
  readonly hex: string
  readonly evidence: string
  readonly bytes: Uint8Array
}

const goldenDir = path.resolve(process.cwd(), "../shared/protocol/golden")

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ""), "hex"))
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

const readVector = (file: string): GoldenVector => {
  const json = JSON.parse(fs.readFileSync(path.join(goldenDir, file), "utf8"))
  return Object.assign(json, { bytes: fromHex(json.hex) })
}

/** One vector by name (the file name without `.json`). */
export const goldenVector = (name: string): GoldenVector => readVector(`${name}.json`)

export const loadGolden = (): Array<GoldenVector> =>
  fs.readdirSync(goldenDir).filter((f) => f.endsWith(".json")).toSorted().map(readVector)

/** Out-of-band TCP urgent bytes (cancel), not SQLI messages (SQLI.md §8.12). */
export const isOutOfBand = (v: GoldenVector): boolean => v.name.includes("oob-urgent-byte")

/** SL-framed connect PDUs. */
export const isConnectPdu = (v: GoldenVector): boolean =>
  v.name.includes("-login-") || v.name.startsWith("server-conacc") || v.name.startsWith("server-conrej")

/**
 * The framing each conversation ran with:
 * - nmap offers only 7 mask bytes (no bit 50/62/63): narrow widths;
 * - jdbc-select-ext and jdbc-prep-22/23: JDBC 15's 9-byte offer against the full Informix 15 reply: bits 69/70;
 * - everything else (JDBC with a 9th reply byte 00, ifxdrv's 8-byte offer against any reply): wide.
 */
export const framingOf = (v: GoldenVector): Framing => {
  if (v.name.startsWith("nmap-")) return NARROW_FRAMING
  if (v.name.startsWith("jdbc-select-ext-") || v.name.startsWith("jdbc-prep-22") || v.name.startsWith("jdbc-prep-23")) {
    return EXTENDED_FRAMING
  }
  return WIDE_FRAMING
}

/** Server replies that no client accepted *because of their bytes* and that our decoder therefore rejects. */
export const rejectedByDecoder: ReadonlyMap<string, string> = new Map([
  ["jdbc-prep-27-reply-idescribe-odd-second-short", "odd second u16"],
  ["jdbc-prep-28-reply-idescribe-zero-params-with-second-short", "unknown opcode 0"]
])

/** A big-endian i16 as 4 hex digits. */
export const hexI16 = (v: number): string => (v & 0xffff).toString(16).padStart(4, "0")

/** An SQLI "char" field (u16 length, Latin-1 bytes, pad byte if odd) as hex. */
export const hexChar = (text: string): string =>
  hexI16(text.length) + Buffer.from(text, "latin1").toString("hex") + (text.length % 2 === 1 ? "00" : "")

/**
 * golden/server-conacc-accept from its SL type byte to the end of its 24-byte block, as SL type `slType`, followed by
 * `tail` (hex, blanks ignored): a connect PDU with any ending, SL length recomputed.
 */
export const conaccWithTail = (tail: string, slType = 2): string => {
  const golden = goldenVector("server-conacc-accept").hex
  const body = hexI16(slType).slice(2) + golden.slice(6, golden.lastIndexOf("0066")) + tail.replace(/\s+/g, "")
  return hexI16(body.length / 2 + 2) + body
}

/**
 * A golden CONACC/CONREJ up to marker 102, then the tail JDBC reads field by field (JDBC-READING.md §1): `u16 11,
 * i32 0`, svcError, osError 0, warnings, `i16 0` errors, `u16 127` — what our TestServer sends instead of the
 * golden responder's `00 0b 00 00 00 03 … 00 00 00 7f`. The SL length is recomputed.
 */
export const withJdbcTail = (goldenHex: string, svcError: number, warnings = 0): string => {
  const body = goldenHex.slice(4, goldenHex.lastIndexOf("0066") + 4) + "000b00000000" + hexI16(svcError) + "0000" +
    hexI16(warnings) + "0000007f"
  return hexI16(body.length / 2 + 2) + body
}
