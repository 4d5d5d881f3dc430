/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The PAM challenge loop of the login (JDBC-PAM-TRIGGERS-CDC.md §1): run when the server's SQ_PROTOCOLS reply sets
 * bit 44, right after SQ_PROTOCOLS and before SQ_INFO, as IBM's JDBC does (`IfxSqliConnect.<init>` →
 * `IfxSqli.handlePAMAuthentication`). The client starts with SQ_ACK + EOT; each server turn is a run of challenges
 * ending in a prompt (answered with SQ_RESPONSE + EOT), SQ_ACCEPT (logged in) or SQ_EXIT (refused).
 *
 * Neither the password nor an answer ever reaches an error message; errors name the prompt.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { AuthenticationError, fromServerError, type InformixError, ProtocolError } from "../../InformixError.ts"
import type { PamChallenge, PamStyle, ResolvedConfig } from "../config/resolve.ts"
import type { ClientMessage, Framing } from "../protocol/messages.ts"
import { PAM_MAX_MESSAGE_SIZE, pamExpectsAnswer, PamStyleCode } from "../protocol/pam.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeBatch } from "./codecView.ts"
import { EOT } from "./prebuiltMessages.ts"
import type { Session } from "./wireSession.ts"

/** JDBC's code for a failed PAM conversation ("PAM authorization has failed", `IfxSqli`). */
export const PAM_FAILED = -79885

const styleOf = (code: number): PamStyle => {
  switch (code) {
    case PamStyleCode.ECHO_OFF:
      return "promptEchoOff"
    case PamStyleCode.ECHO_ON:
      return "promptEchoOn"
    case PamStyleCode.ERROR_MSG:
      return "errorMessage"
    case PamStyleCode.TEXT_INFO:
      return "textInfo"
    default:
      return "unknown"
  }
}

const challengeOf = (style: number, text: string): PamChallenge => ({
  style: styleOf(style),
  // JDBC trims the NULs a C server leaves at the end of the text (`readPAMChallengeMessage`).
  prompt: text.replace(/\0+$/, ""),
  echo: style === PamStyleCode.ECHO_ON,
  expectsAnswer: pamExpectsAnswer(style)
})

const failed = (config: ResolvedConfig, reason: string, prompt?: string): AuthenticationError =>
  new AuthenticationError({
    sqlcode: PAM_FAILED,
    isamCode: 0,
    user: config.user,
    server: config.server,
    message: `PAM authorization has failed: ${reason}`,
    ...(prompt === undefined ? {} : { prompt })
  })

/** Runs the challenge loop; succeeds when the server accepts. */
export const authenticate = (
  session: Session,
  config: ResolvedConfig,
  framing: Framing
): Effect.Effect<void, InformixError> =>
  Effect.gen(function*() {
    // Without a handler the configured password answers the first echo-off prompt, and nothing else.
    let passwordUsed = false
    const answer = (challenge: PamChallenge): Effect.Effect<string, AuthenticationError> => {
      if (config.pam !== undefined) {
        return Effect.mapError(
          Effect.suspend(() => config.pam!(challenge)),
          () => failed(config, `the pam handler failed on the prompt "${challenge.prompt}"`, challenge.prompt)
        )
      }
      if (!challenge.expectsAnswer) return Effect.succeed("")
      if (challenge.style === "promptEchoOff" && !passwordUsed && config.password !== undefined) {
        passwordUsed = true
        return Effect.succeed(Redacted.value(config.password))
      }
      return Effect.fail(
        failed(
          config,
          `the server asked "${challenge.prompt}", which needs a pam handler (only a password prompt is answered ` +
            "without one)",
          challenge.prompt
        )
      )
    }

    let outgoing: ClientMessage = { _tag: "Ack" }
    while (true) {
      const bytes = encodeBatch([outgoing, EOT], framing)
      if (bytes instanceof CodecFailure) {
        // Only an answer can fail to encode (a character outside ISO-8859-1, as JDBC sends it); never echo it.
        return yield* failed(config, "an answer could not be encoded (ISO-8859-1 characters only)")
      }
      const reply = yield* session.exchangeUntil(bytes, "PamTurn")
      let response: ClientMessage | undefined = undefined
      for (const message of reply) {
        switch (message._tag) {
          case "PamAccept":
            return
          case "Exit":
            return yield* failed(config, "the server refused the login")
          case "Err":
            return yield* fromServerError(message)
          case "Eot":
            break
          case "PamChallenge": {
            const challenge = challengeOf(message.style, message.text)
            const text = yield* answer(challenge)
            if (!challenge.expectsAnswer) break
            if (text.length > PAM_MAX_MESSAGE_SIZE) {
              // JDBC refuses the same (−79886) rather than sending it.
              return yield* failed(
                config,
                `the answer to "${challenge.prompt}" is longer than ${PAM_MAX_MESSAGE_SIZE} characters`,
                challenge.prompt
              )
            }
            response = { _tag: "PamResponse", text }
            break
          }
          default:
            return yield* new ProtocolError({
              message: `Unexpected ${message._tag} message from the server during the PAM login`
            })
        }
      }
      if (response === undefined) {
        return yield* new ProtocolError({ message: "The server's PAM reply neither prompted, accepted nor refused" })
      }
      outgoing = response
    }
  })
