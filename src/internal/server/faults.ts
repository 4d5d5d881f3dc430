/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Fault-injection state of a TestServer.
 *
 * Client tests need a server that misbehaves on demand: replies that never come (timeouts, interrupts), sockets
 * that die mid-reply (retirement), replies trickled byte by byte (incremental decoders), corrupt frames (protocol
 * errors) and canned SQL errors. The state is server-wide and mutable so a test can arm a fault between two
 * statements through the handle on the TestServer object; "next" faults disarm themselves when they fire.
 *
 * @internal
 */

/** An SQ_ERR the server answers with instead of doing the work. */
export interface InjectedError {
  readonly sqlcode: number
  readonly isamCode?: number | undefined
  readonly parameter?: string | undefined
  /**
   * Which request gets the error: the next PREPARE/COMMAND ("prepare"), the next EXECUTE/OPEN ("execute"), the next
   * NFETCH/SFETCH ("fetch"), or the first of any of these ("any", the default).
   */
  readonly on?: "prepare" | "execute" | "fetch" | "any" | undefined
}

/** Per-write slowness: wait `delayMillis` before every chunk of at most `chunkSize` bytes (default: whole reply). */
export interface SlowWrites {
  readonly delayMillis: number
  readonly chunkSize?: number | undefined
}

/** How to corrupt the next reply frame. */
export type Corruption =
  /** XOR 0xff into the byte at `offset` of the reply (default 1: the low byte of the first opcode). */
  | { readonly _tag: "FlipByte"; readonly offset?: number | undefined }
  /** Put a message with an opcode no client knows (0x00f0) in front of the reply. */
  | { readonly _tag: "UnknownOpcode" }

/** The mutable fault state; every field is `undefined` when disarmed. */
export interface FaultState {
  /** Bytes still allowed before the socket that writes the last of them is destroyed. */
  closeAfterBytes: number | undefined
  /** Stall the next reply (before its batch is processed) for this many milliseconds. */
  stallNextMillis: number | undefined
  /** Stall every reply for this many milliseconds. */
  stallEveryMillis: number | undefined
  corruptNext: Corruption | undefined
  slow: SlowWrites | undefined
  /** Write replies one byte per TCP segment. */
  splitWrites: boolean
  failNext: InjectedError | undefined
}

export const emptyFaults = (): FaultState => ({
  closeAfterBytes: undefined,
  stallNextMillis: undefined,
  stallEveryMillis: undefined,
  corruptNext: undefined,
  slow: undefined,
  splitWrites: false,
  failNext: undefined
})

/** Takes the stall that applies to the next reply (disarming a one-shot stall). */
export const takeStall = (faults: FaultState): number | undefined => {
  const once = faults.stallNextMillis
  if (once !== undefined) {
    faults.stallNextMillis = undefined
    return once
  }
  return faults.stallEveryMillis
}

/** Takes the injected error if it applies to a request of `kind`. */
export const takeInjectedError = (
  faults: FaultState,
  kind: "prepare" | "execute" | "fetch"
): InjectedError | undefined => {
  const armed = faults.failNext
  if (armed === undefined) return undefined
  const on = armed.on ?? "any"
  if (on !== "any" && on !== kind) return undefined
  faults.failNext = undefined
  return armed
}

/** The opcode used by the "unknown opcode" corruption; outside every table of known server tags (SQLI.md §7.26). */
export const UNKNOWN_OPCODE = 0x00f0

/** Applies (and disarms) a pending corruption to an encoded reply. */
export const corrupt = (faults: FaultState, reply: Uint8Array): Uint8Array => {
  const corruption = faults.corruptNext
  if (corruption === undefined || reply.length === 0) return reply
  faults.corruptNext = undefined
  if (corruption._tag === "UnknownOpcode") {
    const out = new Uint8Array(reply.length + 2)
    out[0] = UNKNOWN_OPCODE >> 8
    out[1] = UNKNOWN_OPCODE & 0xff
    out.set(reply, 2)
    return out
  }
  const out = reply.slice()
  const offset = Math.min(Math.max(corruption.offset ?? 1, 0), out.length - 1)
  out[offset] = out[offset]! ^ 0xff
  return out
}
