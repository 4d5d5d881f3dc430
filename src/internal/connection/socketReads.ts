/**
 * How a session's socket is read. A plain TCP socket is read through Node's `onread` option (node:net
 * `socket.connect`): libuv reads into one buffer and calls back with the byte count, without the Readable stream's
 * work per chunk (a `push`, the `data` event, a `nextTick` to read more, the `Buffer` object). Measured on the one-row
 * query: docs/benchmarks.md "Round 5: the Connection's per-query CPU".
 *
 * Every read is copied out of that buffer at once, into a chunk of its exact size, before the next read can reuse it:
 * the decoder keeps row payloads as views of the chunks it is given (`keepChunks`, protocol/codec.ts), so a chunk must
 * never be written again. (Node's own read path also allocates one backing store per read.) One buffer serves every
 * socket: a read and its callback are one synchronous step, so no two reads ever share it.
 *
 * Pausing works as with `data` events: `socket.pause()` stops the handle's reads and `resume()` restarts them (net's
 * `pause`/`resume` do so for an `onread` socket). A TLS socket keeps the `data` event (`tls.connect` has no `onread`).
 *
 * @internal
 */
import * as Net from "node:net"

/** Node's own size for a read (libuv's suggested size): a reply larger than this arrives in several chunks. */
const READ_SIZE = 65536

/** Shared by every socket (see the module comment). Allocated on the first plain connection. */
let readBuffer: Uint8Array | undefined

/** Where a socket's chunks go: held until the session attaches (the server speaks only when asked, but be safe). */
class ChunkSink {
  private target: ((chunk: Uint8Array) => void) | undefined = undefined
  private early: Array<Uint8Array> | undefined = undefined

  /** `true`: keep reading (`false` would stop the reads; pausing goes through `socket.pause()` instead). */
  readonly deliver = (bytes: number, buffer: Uint8Array): boolean => {
    // A copy: Node may pass a Buffer, whose own `slice` is a view of the shared buffer.
    const chunk = Uint8Array.prototype.slice.call(buffer, 0, bytes)
    if (this.target !== undefined) this.target(chunk)
    else (this.early ??= []).push(chunk)
    return true
  }

  attach(target: (chunk: Uint8Array) => void): void {
    this.target = target
    const early = this.early
    this.early = undefined
    if (early !== undefined) { for (const chunk of early) target(chunk) }
  }
}

const sinks = new WeakMap<Net.Socket, ChunkSink>()

/** Connects a plain TCP socket whose reads go to `onChunks` (Nagle off: every request is one complete batch). */
export const connectPlain = (host: string, port: number): Net.Socket => {
  const sink = new ChunkSink()
  const socket = Net.connect({
    host,
    port,
    noDelay: true,
    onread: { buffer: readBuffer ??= new Uint8Array(READ_SIZE), callback: sink.deliver }
  })
  sinks.set(socket, sink)
  return socket
}

/** Hands every chunk read from `socket` to `target`, in order: through `onread` when `connectPlain` made it. */
export const onChunks = (socket: Net.Socket, target: (chunk: Uint8Array) => void): void => {
  const sink = sinks.get(socket)
  if (sink === undefined) socket.on("data", target)
  else sink.attach(target)
}
