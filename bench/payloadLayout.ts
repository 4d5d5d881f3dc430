/**
 * How the decoder benchmarks lay out row payloads: as the driver receives them (decode-e2e's codec baseline,
 * decode-columns, decode-ab).
 */

/**
 * `payloads` copied one after another into 64 KiB buffers, each returned as a view of its bytes: the layout the
 * row decoder reads in the driver, where SQ_TUPLE payloads are views of the socket's chunks (the connection's
 * decoder keeps chunks). A payload in a buffer of its own, as `encodeRow` returns it, is a layout the driver never
 * decodes from, and the same decoder spends 10–15% more CPU on it (issue #17 round 7; one ArrayBuffer per row, each
 * with its own backing store for the collector to track).
 */
export const asChunkViews = (payloads: ReadonlyArray<Uint8Array>): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  let chunk = new Uint8Array(CHUNK_SIZE)
  let used = 0
  for (const payload of payloads) {
    if (used + payload.length > chunk.length) {
      chunk = new Uint8Array(Math.max(CHUNK_SIZE, payload.length))
      used = 0
    }
    chunk.set(payload, used)
    out.push(chunk.subarray(used, used + payload.length))
    used += payload.length
  }
  return out
}

/** About one socket read of a fetch reply. */
const CHUNK_SIZE = 65536
