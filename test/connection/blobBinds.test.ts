/**
 * The framing of a BYTE/TEXT value bound from a Stream (blobBinds.ts): `frameBlobChunks` writes exactly the bytes the
 * protocol codec writes for the same SQ_BLOB messages (1024-byte chunks, odd lengths padded), and a request is split
 * into head, body and tail around each streamed value with `FERR EOT` as its abort.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import * as InformixValue from "../../src/InformixValue.ts"
import { frameBlobChunks, type RequestPart, streamedRequest } from "../../src/internal/connection/blobBinds.ts"
import { encodeBatch } from "../../src/internal/connection/codecView.ts"
import { bindMessages } from "../../src/internal/connection/prebuiltMessages.ts"
import { WIDE_FRAMING } from "../../src/internal/protocol/framing.ts"
import type { ClientMessage } from "../../src/internal/protocol/messages.ts"
import { encodeBind, latin1Charset } from "../../src/internal/values/index.ts"
import { concat } from "../../src/internal/wire/concat.ts"

const framing = WIDE_FRAMING
const ctx = { charset: latin1Charset }

const encoded = (messages: ReadonlyArray<ClientMessage>): Uint8Array => {
  const bytes = encodeBatch(messages, framing)
  if (!(bytes instanceof Uint8Array)) throw new Error(bytes.message)
  return bytes
}

describe("BYTE/TEXT stream framing", () => {
  it("frameBlobChunks writes what the codec writes for 1024-byte SQ_BLOB messages", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        const messages: Array<ClientMessage> = []
        for (let at = 0; at < data.length; at += 1024) {
          messages.push({ _tag: "Blob", data: data.subarray(at, at + 1024) })
        }
        assert.deepStrictEqual(frameBlobChunks(data), encoded(messages))
      })
    )
  })

  it.effect("a request is split around the streamed value; the whole equals the batch of the same content", () =>
    Effect.gen(function*() {
      // Pieces framed one by one (a piece's last chunk may be short); 1024-byte pieces frame as the inline value does.
      const content = [new Uint8Array(1024).fill(1), new Uint8Array(2001).fill(9)]
      const streamed = encodeBind(InformixValue.byteStream(Stream.fromIterable(content)), ctx)
      const inline = encodeBind(concat(content), ctx)
      if (!("type" in streamed) || !("type" in inline)) throw new Error("not bound")
      const parts: Array<RequestPart> = [{ _tag: "Id", statementId: 3 }, ...bindMessages([streamed]), {
        _tag: "Execute"
      }]
      const request = streamedRequest(parts, framing, ctx, "INSERT")
      if (!("head" in request)) throw new Error(request.message)
      const body = concat(yield* Stream.runCollect(request.body))
      // The same batch with the content inline, apart from the descriptor's size (−1 for a stream).
      const whole = encoded([
        { _tag: "Id", statementId: 3 },
        ...bindMessages([{ ...inline, data: streamed.data }]) as Array<ClientMessage>,
        { _tag: "Execute" },
        { _tag: "Eot" }
      ])
      assert.deepStrictEqual(concat([request.head, body, request.tail]), whole)
      assert.deepStrictEqual(request.abort, encoded([{ _tag: "Ferr" }, { _tag: "Eot" }]))
      assert.deepStrictEqual([...request.abort], [0, 40, 0, 12])
    }))
})
