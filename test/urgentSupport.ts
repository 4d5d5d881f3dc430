/**
 * Tests that need TCP urgent data run only where this process can send it; elsewhere they are reported as skipped
 * with the reason in their title, so a green run on such a platform says what it did not test. Also the raw
 * client's way to send the byte (the driver itself sends it synchronously, from the session core).
 */
import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Net from "node:net"
import { sendUrgentByteNow, urgentSupport } from "../src/internal/urgent.ts"

export const urgentAvailable = urgentSupport() !== "none"

export const needsUrgent = (title: string): string =>
  urgentAvailable ? title : `${title} [skipped: this process cannot send TCP urgent data (no node:ffi, no koffi)]`

const liveIfUrgent = it.live.runIf(urgentAvailable)

/** `it.live` for a test that needs urgent data: elsewhere it is skipped, with the reason in its title. */
export const itUrgent: typeof liveIfUrgent = (title, self, timeout) => liveIfUrgent(needsUrgent(title), self, timeout)

const effectIfUrgent = it.effect.runIf(urgentAvailable)

/** `it.effect` (on the test clock) for a test that needs urgent data: elsewhere skipped, the reason in its title. */
export const itUrgentEffect: typeof effectIfUrgent = (title, self, timeout) =>
  effectIfUrgent(needsUrgent(title), self, timeout)

// Waits until Node has handed everything written so far to the kernel (or the socket dies).
const awaitFlushed = (socket: Net.Socket): Effect.Effect<void> =>
  socket.writableLength === 0 || socket.destroyed
    ? Effect.void
    : Effect.callback<void>((resume) => {
      const done = () => {
        cleanup()
        resume(Effect.void)
      }
      const cleanup = () => {
        socket.off("drain", done)
        socket.off("close", done)
      }
      socket.on("drain", done)
      socket.on("close", done)
      return Effect.sync(cleanup)
    })

/**
 * For a raw test client: sends the urgent byte once Node has flushed earlier writes (`drain` or `close`; bound it
 * with a deadline). `true` when the kernel took the byte.
 */
export const sendUrgentByte = (socket: Net.Socket, byte = 0x42): Effect.Effect<boolean> =>
  Effect.suspend(() =>
    urgentSupport() === "none"
      ? Effect.succeed(false)
      : Effect.map(awaitFlushed(socket), () => sendUrgentByteNow(socket, byte) === "sent")
  )
