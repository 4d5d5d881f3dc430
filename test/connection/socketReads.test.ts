/**
 * The session's socket reads (src/internal/connection/socketReads.ts): every read reaches the session in order, as a
 * chunk of its own that later reads never write into (row payloads are views of chunks), also bytes that arrived
 * before the session attached.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Net from "node:net"
import { connectPlain, onChunks } from "../../src/internal/connection/socketReads.ts"
import { eventually } from "../eventually.ts"

/** A listener that writes `parts` to each client, one write per turn of the event loop, then waits. */
const talker = (parts: ReadonlyArray<Uint8Array>) =>
  Effect.acquireRelease(
    Effect.callback<Net.Server>((resume) => {
      const server = Net.createServer((client) => {
        client.setNoDelay(true)
        let i = 0
        const next = () => {
          if (i < parts.length) client.write(parts[i++]!, () => setImmediate(next))
        }
        next()
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.sync(() => server.close())
  )

const portOf = (server: Net.Server): number => (server.address() as Net.AddressInfo).port

describe("socket reads", () => {
  it.live("chunks arrive in order, each its own copy; bytes read before the session attached are kept", () =>
    Effect.gen(function*() {
      const parts = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5), Uint8Array.of(6)]
      const server = yield* talker(parts)
      const socket = connectPlain("127.0.0.1", portOf(server))
      yield* Effect.addFinalizer(() => Effect.sync(() => socket.destroy()))
      // Not attached yet: the reads are held.
      yield* eventually(Effect.sync(() => socket.bytesRead), (n) => n === 6)
      const chunks: Array<Uint8Array> = []
      onChunks(socket, (chunk) => chunks.push(chunk))
      assert.deepStrictEqual(chunks.flatMap((chunk) => Array.from(chunk)), [1, 2, 3, 4, 5, 6])
      // Each chunk has a buffer of its own: the shared read buffer is never handed out.
      assert.strictEqual(new Set(chunks.map((chunk) => chunk.buffer)).size, chunks.length)
      for (const chunk of chunks) assert.strictEqual(chunk.byteLength, chunk.buffer.byteLength)
    }).pipe(Effect.scoped))

  it.live("a chunk keeps its bytes after later reads", () =>
    Effect.gen(function*() {
      // The second part goes only once the client has read the first: two reads for certain.
      const server = yield* Effect.acquireRelease(
        Effect.callback<Net.Server>((resume) => {
          const listener = Net.createServer((client) => {
            client.write(Uint8Array.of(7, 7, 7))
            client.once("data", () => client.write(Uint8Array.of(9, 9, 9)))
          })
          listener.listen(0, "127.0.0.1", () => resume(Effect.succeed(listener)))
        }),
        (listener) => Effect.sync(() => listener.close())
      )
      const socket = connectPlain("127.0.0.1", portOf(server))
      yield* Effect.addFinalizer(() => Effect.sync(() => socket.destroy()))
      const chunks: Array<Uint8Array> = []
      onChunks(socket, (chunk) => chunks.push(chunk))
      yield* eventually(Effect.sync(() => chunks.length), (n) => n === 1)
      socket.write(Uint8Array.of(0))
      yield* eventually(Effect.sync(() => chunks.length), (n) => n === 2)
      assert.deepStrictEqual(chunks.map((chunk) => Array.from(chunk)), [[7, 7, 7], [9, 9, 9]])
    }).pipe(Effect.scoped))

  it.live("a socket it did not connect (TLS) is read through data events", () =>
    Effect.gen(function*() {
      const server = yield* talker([Uint8Array.of(1, 2)])
      const socket = Net.connect(portOf(server), "127.0.0.1")
      yield* Effect.addFinalizer(() => Effect.sync(() => socket.destroy()))
      const chunks: Array<Uint8Array> = []
      onChunks(socket, (chunk) => chunks.push(chunk))
      yield* eventually(Effect.sync(() => chunks.length), (n) => n > 0)
      assert.deepStrictEqual(Array.from(chunks[0]!), [1, 2])
    }).pipe(Effect.scoped))
})
