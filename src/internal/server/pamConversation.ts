/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (clientSession.ts) */
/**
 * The TestServer's PAM mode (per user, `TestServerOptions.pam`): the SQ_PROTOCOLS reply sets bit 44 for such a
 * user, then the server leads the challenge loop before SQ_INFO, as JDBC expects it (JDBC-PAM-TRIGGERS-CDC.md §1.5):
 * `SQ_ACK EOT` from the client, challenges `SQ_CHALLENGE EOT` (error / info messages back to back with the next
 * prompt, no answer awaited), answers `SQ_RESPONSE EOT`, then `SQ_ACCEPT EOT` or `SQ_EXIT EOT` (and the session
 * closes). The login PDU's password is not checked for these users: the PAM conversation is the check.
 */
import type { ServerMessage } from "../protocol/messages.ts"
import { PamStyleCode } from "../protocol/pam.ts"
import type { Inbound, Session } from "./clientSession.ts"
import type { PamMode } from "./context.ts"

export const PAM_PASSWORD_PROMPT = "Password: "
export const PAM_CODE_PROMPT = "Verification code: "
export const PAM_CODE_SENT = "A verification code was sent to your device."
export const PAM_LOCKED = "Account locked: contact the administrator."

const EOT: ServerMessage = { _tag: "Eot" }
const challenge = (style: number, text: string): ReadonlyArray<ServerMessage> => [
  { _tag: "PamChallenge", style, text },
  EOT
]

export interface PamTurn {
  readonly messages: ReadonlyArray<ServerMessage>
  readonly close: boolean
}

/** The PAM mode of the logged-in user, if the server runs one for it. */
export function pamMode(this: Session): PamMode | undefined {
  return this.user === undefined ? undefined : this.ctx.config.pam.get(this.user)
}

/** One client batch of the PAM loop (phase `awaitPam`); `pamStep` counts the answers taken so far. */
export function pamTurn(this: Session, batch: ReadonlyArray<Inbound>): PamTurn {
  const mode = this.pamMode()
  const refuse = (): PamTurn => {
    this.close()
    return { messages: [{ _tag: "Exit" }, EOT], close: true }
  }
  const accept = (): PamTurn => {
    this.phase = "ready"
    return { messages: [{ _tag: "PamAccept" }, EOT], close: false }
  }
  if (mode === undefined) return refuse()
  const step = this.pamStep++
  if (step === 0) {
    if (!batch.some((m) => m._tag === "Ack")) return refuse()
    if (mode.mode === "refuse") {
      this.close()
      return { messages: [...challenge(PamStyleCode.ERROR_MSG, PAM_LOCKED), { _tag: "Exit" }, EOT], close: true }
    }
    return { messages: challenge(PamStyleCode.ECHO_OFF, PAM_PASSWORD_PROMPT), close: false }
  }
  const response = batch.find((m) => m._tag === "PamResponse")
  if (response === undefined || response._tag !== "PamResponse") return refuse()
  if (step === 1) {
    if (response.text !== this.ctx.config.users.get(this.user ?? "")) return refuse()
    if (mode.mode === "password") return accept()
    return {
      messages: [
        ...challenge(PamStyleCode.TEXT_INFO, PAM_CODE_SENT),
        ...challenge(PamStyleCode.ECHO_ON, PAM_CODE_PROMPT)
      ],
      close: false
    }
  }
  return mode.mode === "passwordAndCode" && response.text === mode.code ? accept() : refuse()
}

/** `mask` with capability bit 44 set (byte 5, 0x08): the server requires the PAM loop. */
export const withPamBit = (mask: Uint8Array): Uint8Array => {
  const copy = Uint8Array.from(mask)
  copy[5] = copy[5]! | 0x08
  return copy
}
