/**
 * Capability masks and the field widths they switch (SQLI.md §4.1, §5).
 *
 * SQ_PROTOCOLS masks are numbered MSB-first (byte 0 bit 0x80 = bit 0). A width feature is in effect only if the client
 * OFFERED the bit AND the server's reply has it: the reply is the server's own mask, not an echo (a real Informix 15
 * sets bits 69/70 even toward ifxdrv, which does not offer them, and ifxdrv still gets the narrow DONE).
 *
 * @internal
 */
import type { Framing } from "./messages.ts"

/** Default client offer: JDBC's 8-byte mask (ifxdrv-verified against real 12.10/14.10/15 servers; bits 69/70 off). */
export const DEFAULT_CLIENT_OFFER: Uint8Array = Uint8Array.of(0xff, 0xfc, 0x7f, 0xfc, 0x3c, 0x8c, 0xaa, 0x97)

/** JDBC 15.0.0.1.1's 9-byte offer (adds bits 69/70: i32 DESCRIBE tupleSize, 22-byte DONE). */
export const JDBC15_CLIENT_OFFER: Uint8Array = Uint8Array.of(0xff, 0xfc, 0x7f, 0xfc, 0x3c, 0x8c, 0xaa, 0x97, 0x06)

/** Test-server default reply: Informix 15's first 8 bytes, 9th byte 00 (JDBC 15 then uses the narrow 69/70 framing). */
export const DEFAULT_SERVER_REPLY: Uint8Array = Uint8Array.of(0xbd, 0xbe, 0x9f, 0xfe, 0x7f, 0xb7, 0xff, 0xef, 0x00)

/** Informix 15.0.1.0.3's full reply (grants 69/70 to a client that offers them). */
export const INFORMIX15_SERVER_REPLY: Uint8Array = Uint8Array.of(0xbd, 0xbe, 0x9f, 0xfe, 0x7f, 0xb7, 0xff, 0xef, 0xff)

/** Capability bit numbers that change the wire format. */
export const CapabilityBit = {
  /** 4-byte DESCRIBE string-table size and field index. */
  DESCRIBE_WIDE: 50,
  /** "Remove 64K limit": 4-byte SQL length and SQ_ERR offset. */
  REMOVE_64K_LIMIT: 62,
  /** 4-byte NFETCH/SFETCH buffer size [inferred]. */
  FETCH_BUFFER_32: 63,
  /** "Large tuple": 4-byte DESCRIBE tupleSize. */
  TUPLE_SIZE_32: 69,
  /** "Long row id": 22-byte SQ_DONE. */
  DONE_22: 70,
  /** Named parameters: SQ_GETROUTINE kind byte and database names in fast-path messages (JDBC-LOB.md §2). */
  NAMED_PARAMETERS: 52,
  /** libsqli: server requires PAM. */
  PAM: 44
} as const

/** Whether MSB-first bit `bit` is set in `mask` (bits beyond the mask's length are clear). */
export const hasBit = (mask: Uint8Array, bit: number): boolean => {
  const byte = bit >> 3
  if (byte >= mask.length) return false
  return (mask[byte]! & (0x80 >> (bit & 7))) !== 0
}

/** Framing for the 8-byte default offer against any modern server: everything wide except bits 69/70. */
export const WIDE_FRAMING: Framing = {
  sqlLength32: true,
  errOffset32: true,
  describeWide: true,
  fetchBuffer32: true,
  tupleSize32: false,
  done22: false,
  namedParameters: true
}

/** Framing with bits 69/70 granted as well (JDBC 15 offer + Informix 15 full reply). */
export const EXTENDED_FRAMING: Framing = { ...WIDE_FRAMING, tupleSize32: true, done22: true }

/** Framing before/without any 4-byte width (nmap's 7-byte offer). */
export const NARROW_FRAMING: Framing = {
  sqlLength32: false,
  errOffset32: false,
  describeWide: false,
  fetchBuffer32: false,
  tupleSize32: false,
  done22: false,
  // nmap's 7-byte offer has bit 52 too.
  namedParameters: true
}

/** Framing in effect for a client offer and a server reply: each flag = offered ∧ granted (SQLI.md §5.1). */
export const framingFromMasks = (offered: Uint8Array, granted: Uint8Array): Framing => {
  const both = (bit: number) => hasBit(offered, bit) && hasBit(granted, bit)
  return {
    sqlLength32: both(CapabilityBit.REMOVE_64K_LIMIT),
    errOffset32: both(CapabilityBit.REMOVE_64K_LIMIT),
    describeWide: both(CapabilityBit.DESCRIBE_WIDE),
    fetchBuffer32: both(CapabilityBit.FETCH_BUFFER_32),
    tupleSize32: both(CapabilityBit.TUPLE_SIZE_32),
    done22: both(CapabilityBit.DONE_22),
    namedParameters: both(CapabilityBit.NAMED_PARAMETERS)
  }
}
