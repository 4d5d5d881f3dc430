/**
 * Numbers made from 32-bit words through one 8-byte scratch buffer, for the row decoder (one per FLOAT,
 * SMALLFLOAT, DECIMAL, BIGINT and INT8 value). Typed-array element reads and writes are inlined in optimised code:
 * a `BigInt64Array` read allocates the BigInt inline, about 8 ns less than `BigInt(number)` (a builtin call) or a
 * `DataView.getBigInt64`, and a FLOAT read from two words needs no per-byte copy (Node 26). The words go where the
 * platform's 64-bit values keep them (low word first on little-endian platforms).
 */

const scratch = new ArrayBuffer(8)
const words = new Uint32Array(scratch)
const signedWords = new Int32Array(scratch)
const int64 = new BigInt64Array(scratch)
const float64 = new Float64Array(scratch)
const float32 = new Float32Array(scratch, 0, 1)

/** Whether the low word of a 64-bit value is element 0 of its two 32-bit words (little-endian platforms). */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
const LOW = littleEndian ? 0 : 1
const HIGH = littleEndian ? 1 : 0

/** The int64 `high * 2^32 + low`, `high` a signed 32-bit word and `low` an unsigned one. */
export const bigIntFromWords = (high: number, low: number): bigint => {
  words[LOW] = low
  signedWords[HIGH] = high
  return int64[0]!
}

/** An integer `n` with |n| ≤ 2^53 − 1 (exact in a double) as a BigInt: the same value as `BigInt(n)`. */
export const bigIntOfSafe = (n: number): bigint => {
  words[LOW] = n >>> 0
  // Math.floor, not `| 0`: the high word of a negative value is the floor of its division (two's complement).
  signedWords[HIGH] = Math.floor(n / 4294967296)
  return int64[0]!
}

/** The IEEE double whose big-endian bytes are the words `high`, `low`. */
export const float64FromWords = (high: number, low: number): number => {
  words[LOW] = low
  words[HIGH] = high
  return float64[0]!
}

/** The IEEE single whose bytes are the word `word`. */
export const float32FromWord = (word: number): number => {
  words[0] = word
  return float32[0]!
}
