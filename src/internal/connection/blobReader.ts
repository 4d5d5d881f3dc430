/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The consumer side of a streamed BYTE/TEXT reply (`streamBlob`): the SQ_BLOB chunks of one FETCHBLOB reply, held
 * between the socket and a consumer that may be slower than the network, with bounded memory.
 *
 * SQLI gives the client no way to ask for a BYTE/TEXT value in pieces: SQ_FETCHBLOB is answered with the whole value
 * as SQ_BLOB chunks, and IBM JDBC reads them all in one go (`IfxSqli.executeFetchBlob` / `receiveBlob`, into memory
 * or a temp file; JDBC-LOB.md §3.3). So the brake is the socket: once `HIGH_WATER` bytes wait for the consumer, the
 * session stops reading (`Session.pauseReading`), the kernel's receive window fills and TCP flow control holds the
 * server back; the consumer's next pull takes everything held and reading resumes.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { type InformixError, SqlError } from "../../InformixError.ts"
import type { StatementContext } from "./statementContext.ts"
import type { Incoming, Session } from "./wireSession.ts"

/** Bytes held for the consumer before the socket is paused (plus at most one socket read decoded past it). */
export const HIGH_WATER = 256 * 1024

/** SQLCODE −213: statement interrupted (what a server answers when it stopped the statement itself). */
const SQL_INTERRUPTED = -213

/** One FETCHBLOB reply between the socket and its consumer (`Stream.fromPull(reader.pull)`). */
export class BlobReader {
  private readonly session: Session
  private readonly stmt: StatementContext
  private chunks: Array<Uint8Array> = []
  private held = 0
  private pause: object | undefined = undefined
  private end: Exit.Exit<unknown, InformixError> | undefined = undefined
  private wake: (() => void) | undefined = undefined
  /** The consumer went away: whatever still arrives is dropped (the reply is being drained). */
  private closed = false
  /** Chunks were dropped because the statement's timeout fired: the value must not end as if it were complete. */
  private cut = false

  constructor(session: Session, stmt: StatementContext) {
    this.session = session
    this.stmt = stmt
  }

  /** `Exchange.onMessage`: takes the SQ_BLOB chunks out of the reply as they are decoded. */
  readonly onMessage = (message: Incoming): boolean => {
    if (message._tag !== "Blob") return false
    if (this.closed || message.data.length === 0) return true
    if (this.session.state === "draining") {
      // The statement's timeout fired while the consumer was behind: the session drains the rest of the reply.
      this.cut = true
      return true
    }
    this.chunks.push(message.data)
    this.held += message.data.length
    if (this.held >= HIGH_WATER && this.pause === undefined) this.pause = this.session.pauseReading()
    this.notify()
    return true
  }

  /** The FETCHBLOB round trip ended (its reply read to the EOT, or failed). */
  finish(exit: Exit.Exit<unknown, InformixError>): void {
    this.end = this.cut && Exit.isSuccess(exit) ? Exit.fail(this.timedOut()) : exit
    this.notify()
  }

  /** The server finished sending before the interrupt reached it (no −213 in the reply), but part was dropped. */
  private timedOut(): SqlError {
    const after = this.stmt.timeout === undefined ? "its deadline" : Duration.format(this.stmt.timeout)
    return new SqlError({
      sqlcode: SQL_INTERRUPTED,
      isamCode: 0,
      offset: 0,
      parameter: "",
      message: `Statement timed out after ${after} while the BYTE/TEXT value was read; the rest of it was drained`,
      sql: this.stmt.sql
    })
  }

  /**
   * The consumer stopped: drop what is held. The round trip is interrupted next, and the session lifts the pause to
   * drain the reply (`Session.abandon`).
   */
  close(): void {
    this.closed = true
    this.chunks = []
    this.held = 0
  }

  /** One pull: everything held (at least one chunk), or the end of the value, or the round trip's failure. */
  readonly pull: Effect.Effect<readonly [Uint8Array, ...Array<Uint8Array>], InformixError | Cause.Done> = Effect
    .suspend(() => {
      if (this.chunks.length > 0) {
        const taken = this.chunks as unknown as readonly [Uint8Array, ...Array<Uint8Array>]
        this.chunks = []
        this.held = 0
        this.resume()
        return Effect.succeed(taken)
      }
      const end = this.end
      if (end !== undefined) return Exit.isSuccess(end) ? Cause.done() : Effect.failCause(end.cause)
      return Effect.andThen(
        Effect.callback<void>((resume) => {
          this.wake = () => resume(Effect.void)
          return Effect.sync(() => {
            this.wake = undefined
          })
        }),
        this.pull
      )
    })

  private resume(): void {
    const token = this.pause
    this.pause = undefined
    this.session.resumeReading(token)
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
