/**
 * Tests that need TCP urgent data run only where this process can send it; elsewhere they are reported as skipped
 * with the reason in their title, so a green run on such a platform says what it did not test.
 */
import { it } from "@effect/vitest"
import { urgentSupport } from "../src/internal/urgent.ts"

export const urgentAvailable = urgentSupport() !== "none"

export const needsUrgent = (title: string): string =>
  urgentAvailable ? title : `${title} [skipped: this process cannot send TCP urgent data (no node:ffi, no koffi)]`

const liveIfUrgent = it.live.runIf(urgentAvailable)

/** `it.live` for a test that needs urgent data: elsewhere it is skipped, with the reason in its title. */
export const itUrgent: typeof liveIfUrgent = (title, self, timeout) => liveIfUrgent(needsUrgent(title), self, timeout)
