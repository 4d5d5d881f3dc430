/**
 * PAM challenge styles (SQ_CHALLENGE's `style`), shared by the client's challenge loop and the TestServer's PAM mode.
 * Values as IBM's JDBC names them (`PAMChallengeImpl`): 1 PAM_PROMPT_ECHO_OFF, 2 PAM_PROMPT_ECHO_ON,
 * 3 PAM_PROMPT_ERROR_MSG, 4 PAM_TEXT_INFO; anything else (0 = unknown) is treated as a prompt.
 *
 * @internal
 */

export const PamStyleCode = {
  ECHO_OFF: 1,
  ECHO_ON: 2,
  ERROR_MSG: 3,
  TEXT_INFO: 4
} as const

/**
 * Whether the client answers a challenge of this style with SQ_RESPONSE. JDBC (`IfxSqli.handlePAMAuthentication`)
 * sends nothing after an error or info message and reads the server's next message at once.
 */
export const pamExpectsAnswer = (style: number): boolean =>
  style !== PamStyleCode.ERROR_MSG && style !== PamStyleCode.TEXT_INFO

/** JDBC's limit for a challenge text and for an answer (`PAMChallengeImpl.PAM_MAX_MESSAGE_SIZE`; −79886 above). */
export const PAM_MAX_MESSAGE_SIZE = 512
