/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * One accepted client socket: bytes in → batches → handler → reply bytes out.
 *
 * SQLI has no framing after login (SQLI.md §2.3), so the decoder splits the byte stream into messages and this module
 * groups them into batches (up to SQ_EOT, a bare SQ_EXIT, or the login PDU). Batches are processed strictly in order
 * by one fiber and each gets exactly one reply group, even when the client pipelines and even after errors (§8.15).
 *
 * Interrupts (§8.12): the client's urgent byte 0x42 arrives inline (SO_OOBINLINE). Every SQLI message starts with a
 * u16 opcode below 256, i.e. with a 0x00 byte, so a 0x42 where a message would start can only be the urgent byte.
 * The filter feeds the decoder up to each candidate 0x42 and treats it as urgent only when the decoder holds no
 * partial message at that point (`bufferedBytes() === 0`); inside a message 0x42 is ordinary data. The urgent byte
 * interrupts the oldest batch that has not been answered yet (running, stalled, or queued behind a running one);
 * with no such batch it is ignored, because a reply then would be read as the answer to the client's next request.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as net from "node:net"
import type { FaultState } from "./faults.ts"
import { corrupt } from "./faults.ts"

const URGENT_BYTE = 0x42

/** The decoder contract this module needs (the protocol codec's ClientMessageDecoder, adapted). */
export interface InboundDecoder<M> {
  /** Decodes every complete message in the bytes pushed so far; `error` describes a fatal protocol error. */
  readonly push: (chunk: Uint8Array) => { readonly messages: ReadonlyArray<M>; readonly error: string | undefined }
  /** Bytes held back as the start of an incomplete message (0 = the decoder sits at a message boundary). */
  readonly bufferedBytes: () => number
}

/** A complete client batch and its interrupt signal. */
interface Batch<M> {
  readonly messages: ReadonlyArray<M>
  /** Completed by the urgent byte while this batch is unanswered. */
  readonly interrupt: Deferred.Deferred<void>
}

/** What the handler returns for one batch. */
export interface Reply {
  readonly bytes: Uint8Array
  /** Close the socket once the reply is written (SQ_EXIT, rejected login, server-side encoding failure). */
  readonly close: boolean
}

/** The per-connection protocol logic. */
export interface ConnectionHandler<M> {
  readonly decoder: InboundDecoder<M>
  /** True when `message` ends a batch (SQ_EOT, SQ_EXIT, the login PDU). */
  readonly endsBatch: (message: M) => boolean
  /** Processes one batch. Interrupting the returned effect must leave the session consistent. */
  readonly handle: (batch: ReadonlyArray<M>) => Effect.Effect<Reply>
  /** The reply for an interrupted batch: SQ_ERR(-213) + SQ_EOT. */
  readonly interruptedReply: () => Uint8Array
  /** Whether interrupts are meaningful yet (not before the login has been answered). */
  readonly acceptsInterrupts: () => boolean
  /** Frees everything the session holds (rolls back, closes statements). */
  readonly close: Effect.Effect<void>
  /** Protocol tracing; called inside the connection fiber. */
  readonly trace: ((event: TraceEvent<M>) => Effect.Effect<void>) | undefined
}

/** One traced event. */
export type TraceEvent<M> =
  | { readonly _tag: "Batch"; readonly messages: ReadonlyArray<M> }
  | { readonly _tag: "Reply"; readonly bytes: Uint8Array; readonly interrupted: boolean }
  | { readonly _tag: "Urgent"; readonly ignored: boolean }

/** Where replies go: the plain socket, or the TLS socket on top of the TCP one. */
export interface Transport {
  readonly socket: net.Socket
  /** Destroys the whole connection (TLS and TCP). */
  readonly destroy: () => void
}

/** A running connection: feed it bytes from the socket; `run` processes batches until the socket is gone. */
export interface Connection {
  /** Bytes from the socket (after TLS decryption for TLS listeners). */
  readonly push: (chunk: Uint8Array) => void
  /** An urgent byte found below TLS (TLS listeners detect it at record boundaries, see tlsRecords.ts). */
  readonly urgent: () => void
  /** The socket is gone: stop after the batch in progress. */
  readonly ended: () => void
  readonly run: Effect.Effect<void>
}

export const makeConnection = <M>(options: {
  readonly transport: Transport
  readonly handler: ConnectionHandler<M>
  readonly faults: FaultState
  /** Detect urgent bytes at message boundaries of this stream (false under TLS: detected below TLS instead). */
  readonly inlineUrgent: boolean
}): Connection => {
  const { faults, handler, transport } = options
  const queue = makeBatchQueue<Batch<M>>()
  /** Batches received but not answered yet, oldest first. */
  const unanswered: Array<Batch<M>> = []
  /** Things that happened in socket callbacks, reported from the fiber (protocol errors, urgent bytes). */
  const notices: Array<TraceEvent<M> | { readonly _tag: "ProtocolError"; readonly message: string }> = []
  let pending: Array<M> = []
  let closed = false

  const stop = () => {
    if (closed) return
    closed = true
    queue.end()
    // A batch that will never be answered must not keep the processing fiber waiting.
    for (const batch of unanswered) Deferred.doneUnsafe(batch.interrupt, Exit.void)
  }

  const urgent = () => {
    if (closed || !handler.acceptsInterrupts()) return
    const target = unanswered[0]
    notices.push({ _tag: "Urgent", ignored: target === undefined })
    if (target !== undefined) Deferred.doneUnsafe(target.interrupt, Exit.void)
  }

  const decode = (bytes: Uint8Array): boolean => {
    if (bytes.length === 0) return true
    const result = handler.decoder.push(bytes)
    for (const message of result.messages) {
      pending.push(message)
      if (handler.endsBatch(message)) {
        const batch: Batch<M> = { messages: pending, interrupt: Deferred.makeUnsafe<void>() }
        pending = []
        unanswered.push(batch)
        queue.offer(batch)
      }
    }
    if (result.error !== undefined) {
      // The stream cannot be resynchronised (SQLI.md §2.3): answer what was complete, then close.
      notices.push({ _tag: "ProtocolError", message: result.error })
      queue.end()
      closed = true
      return false
    }
    return true
  }

  const push = (chunk: Uint8Array) => {
    if (closed) return
    if (!options.inlineUrgent) {
      decode(chunk)
      return
    }
    let start = 0
    let at = chunk.indexOf(URGENT_BYTE, start)
    while (at !== -1) {
      if (!decode(chunk.subarray(start, at))) return
      if (handler.decoder.bufferedBytes() === 0) {
        urgent()
      } else if (!decode(chunk.subarray(at, at + 1))) {
        return
      }
      start = at + 1
      at = chunk.indexOf(URGENT_BYTE, start)
    }
    decode(chunk.subarray(start))
  }

  const reportNotices = Effect.suspend(() => {
    if (notices.length === 0) return Effect.void
    const taken = notices.splice(0, notices.length)
    return Effect.forEach(taken, (notice) =>
      notice._tag === "ProtocolError"
        ? Effect.logWarning(`TestServer: closing the connection after a protocol error: ${notice.message}`)
        : handler.trace === undefined
        ? Effect.void
        : handler.trace(notice), { discard: true })
  })

  const processBatch = (batch: Batch<M>): Effect.Effect<boolean> =>
    Effect.gen(function*() {
      yield* reportNotices
      if (handler.trace !== undefined) yield* handler.trace({ _tag: "Batch", messages: batch.messages })
      const outcome = yield* Effect.raceFirst(
        Effect.map(handler.handle(batch.messages), (reply) => ({ reply, interrupted: false })),
        Effect.map(Deferred.await(batch.interrupt), () => ({
          reply: { bytes: handler.interruptedReply(), close: false } satisfies Reply,
          interrupted: true
        }))
      )
      // Answered: from now on an urgent byte no longer concerns this batch.
      const index = unanswered.indexOf(batch)
      if (index !== -1) unanswered.splice(index, 1)
      yield* reportNotices
      if (transport.socket.destroyed) return false
      const bytes = corrupt(faults, outcome.reply.bytes)
      if (handler.trace !== undefined) {
        yield* handler.trace({ _tag: "Reply", bytes, interrupted: outcome.interrupted })
      }
      yield* writeWithFaults(transport, faults, bytes)
      if (outcome.reply.close) {
        transport.socket.end()
        return false
      }
      return true
    })

  const run: Effect.Effect<void> = Effect.gen(function*() {
    while (true) {
      const next = yield* queue.take
      if (next === undefined) break
      const keepGoing = yield* processBatch(next)
      if (!keepGoing) break
    }
    yield* reportNotices
  }).pipe(
    Effect.ensuring(handler.close),
    Effect.ensuring(Effect.sync(() => {
      stop()
      transport.destroy()
    }))
  )

  return { push, urgent, ended: stop, run }
}

/** A minimal unbounded FIFO fed from socket callbacks; `take` yields undefined once ended and drained. */
const makeBatchQueue = <A>() => {
  const items: Array<A> = []
  let ended = false
  let waiter: Deferred.Deferred<void> | undefined
  const wake = () => {
    // Clear first: completing the Deferred may resume the waiting fiber synchronously, which installs a new waiter.
    const current = waiter
    waiter = undefined
    if (current !== undefined) Deferred.doneUnsafe(current, Exit.void)
  }
  const take: Effect.Effect<A | undefined> = Effect.suspend(() => {
    if (items.length > 0) return Effect.succeed(items.shift())
    if (ended) return Effect.succeed(undefined)
    const next = Deferred.makeUnsafe<void>()
    waiter = next
    return Effect.flatMap(Deferred.await(next), () => take)
  })
  return {
    offer: (item: A) => {
      items.push(item)
      wake()
    },
    end: () => {
      ended = true
      wake()
    },
    take
  }
}

/** Writes a reply honouring the write-level faults (close after N bytes, slow chunks, 1-byte segments). */
const writeWithFaults = (transport: Transport, faults: FaultState, bytes: Uint8Array): Effect.Effect<void> =>
  Effect.gen(function*() {
    let data = bytes
    let closeAfter = false
    if (faults.closeAfterBytes !== undefined) {
      if (data.length >= faults.closeAfterBytes) {
        data = data.subarray(0, faults.closeAfterBytes)
        faults.closeAfterBytes = undefined
        closeAfter = true
      } else {
        faults.closeAfterBytes -= data.length
      }
    }
    const slow = faults.slow
    if (faults.splitWrites) {
      for (let i = 0; i < data.length; i++) {
        if (slow !== undefined) yield* Effect.sleep(slow.delayMillis)
        yield* writeChunk(transport.socket, data.subarray(i, i + 1))
        // A short pause so each byte leaves in its own TCP segment instead of being coalesced with the next.
        yield* Effect.sleep(1)
      }
    } else if (slow !== undefined) {
      const size = Math.max(1, slow.chunkSize ?? data.length)
      for (let i = 0; i < data.length; i += size) {
        yield* Effect.sleep(slow.delayMillis)
        yield* writeChunk(transport.socket, data.subarray(i, i + size))
      }
    } else if (data.length > 0) {
      yield* writeChunk(transport.socket, data)
    }
    if (closeAfter) transport.destroy()
  })

const writeChunk = (socket: net.Socket, chunk: Uint8Array): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (socket.destroyed || !socket.writable) {
      resume(Effect.void)
      return
    }
    socket.write(chunk, () => resume(Effect.void))
  })
