/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Transactions on a connection: BEGIN / COMMIT / ROLLBACK WORK for the outermost `transaction`, savepoints for
 * nested ones, holding the session's owner permit for the whole transaction. Nesting is per fiber lineage and
 * session (`TransactionLevels`, ownership.ts); each savepoint has a name of its own, and nested calls of sibling
 * fibers at one level run one after another: interleaved, a ROLLBACK TO one savepoint would also undo the other's
 * work done after it.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Connection from "../../Connection.ts"
import type { InformixError } from "../../InformixError.ts"
import { transactionIsolationStatement } from "../config/parse.ts"
import { isolationStatement } from "../config/resolve.ts"
import type * as M from "../protocol/messages.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { Holding, TransactionLevel, TransactionLevels } from "./ownership.ts"
import { BEGIN, COMMIT, ROLLBACK } from "./prebuiltMessages.ts"
import { replyHasError } from "./results.ts"
import { noTimeout } from "./statementContext.ts"
import type { Incoming } from "./wireSession.ts"

export function transaction<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  options?: Connection.TransactionOptions
): Effect.Effect<A, E | InformixError, R> {
  return Effect.flatMap(TransactionLevels, (levels: ReadonlyMap<object, TransactionLevel>) => {
    const enclosing = TransactionLevel.innermostActive(levels.get(this.session))
    const level = new TransactionLevel(enclosing)
    const nextLevels = new Map<object, TransactionLevel>(levels)
    nextLevels.set(this.session, level)
    // The level ends with the effect: a fiber it forked that lives on opens its own transaction, not a savepoint.
    const inner = Effect.ensuring(
      Effect.provideService(effect, TransactionLevels, nextLevels),
      Effect.sync(() => (level.active = false))
    )
    return Effect.withSpan(
      enclosing === undefined
        ? this.outerTransaction(inner, options)
        : enclosing.children.withPermit(this.savepoint(inner, `effect_informix_sp_${++this.savepointCounter}`)),
      enclosing === undefined ? "informix.transaction" : "informix.savepoint",
      { kind: "client", captureStackTrace: false, attributes: this.spanAttributes }
    )
  })
}

export function control(
  this: ConnectionImpl,
  messages: ReadonlyArray<M.ClientMessage>,
  label: string,
  onReply?: (reply: ReadonlyArray<Incoming>) => void
) {
  return Effect.asVoid(this.roundTrip(messages, noTimeout(label), onReply))
}

/**
 * BEGIN WORK (not in an ANSI database), then the isolation asked for: `SET TRANSACTION ISOLATION LEVEL …`, which
 * Informix keeps for this transaction only, where that statement has the level (dirty read = READ UNCOMMITTED,
 * committed read = READ COMMITTED, repeatable read = REPEATABLE READ). Cursor stability and last committed exist
 * only as `SET ISOLATION`, which lasts for the session: it is sent inside the transaction and the configured
 * `isolation` is restored after COMMIT/ROLLBACK; without one the session's level stays changed (noted for the
 * pool's reset).
 */
export function outerTransaction<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  options: Connection.TransactionOptions | undefined
): Effect.Effect<A, E | InformixError, R> {
  const isolation = options?.isolation
  const scoped = isolation === undefined ? undefined : transactionIsolationStatement(isolation)
  // Set when the level had to be set session-wide (SET ISOLATION): restored after the transaction.
  let sessionWide = false
  const begin = Effect.gen({ self: this }, function*() {
    // ANSI: the server opens the transaction with the next statement and refuses BEGIN WORK (JDBC never sends it
    // there, JDBC-READING.md §2). SET TRANSACTION must be the transaction's first statement, which it is not when
    // this session already ran statements in the ANSI transaction the server opened.
    const ansi = this.settings.databaseInfo.ansi
    const alreadyRunning = ansi && this.transactionOpen
    if (!ansi) {
      yield* this.control([BEGIN], "BEGIN WORK", (reply) => {
        if (!replyHasError(reply)) this.transactionOpen = true
      })
    }
    if (isolation === undefined) return
    if (scoped !== undefined && !alreadyRunning) {
      yield* this.executeImmediate(noTimeout(scoped))
      return
    }
    sessionWide = true
    this.note("isolation")
    yield* this.executeImmediate(noTimeout(isolationStatement(isolation)))
  })
  const restoreIsolation = Effect.suspend(() => {
    const configured = this.settings.config.isolation
    if (!sessionWide || configured === undefined || this.session.deadWith !== undefined) return Effect.void
    return this.executeImmediate(noTimeout(isolationStatement(configured))).pipe(
      Effect.tap(() => Effect.sync(() => this.changed.delete("isolation"))),
      Effect.ignore
    )
  })
  const commit = this.control([COMMIT], "COMMIT WORK", (reply) => {
    if (!replyHasError(reply)) this.transactionOpen = false
  })
  const rollback = Effect.suspend(() =>
    this.session.deadWith !== undefined
      ? Effect.void
      : Effect.ignore(this.control([ROLLBACK], "ROLLBACK WORK", (reply) => {
        if (!replyHasError(reply)) this.transactionOpen = false
      }))
  )
  // The owner permit is held through a holding of its own, cleared before the permit is given back: a fiber the
  // transaction forked that outlives it then waits for the permit like everybody else (ownership.ts).
  const holding = new Holding()
  const body = Effect.uninterruptibleMask((restore) =>
    Effect.gen({ self: this }, function*() {
      const began = yield* Effect.exit(restore(begin))
      if (Exit.isFailure(began)) {
        // An interrupted BEGIN WORK may still have run on the server (its reply is drained in the background and
        // then marks the transaction open), and a failed SET after BEGIN leaves it open: roll back (after that
        // drain), so no transaction is left without owner.
        if (Exit.hasInterrupts(began) || this.transactionOpen) yield* rollback
        yield* restoreIsolation
        return yield* Effect.failCause(began.cause)
      }
      const exit = yield* Effect.exit(restore(effect))
      if (Exit.isSuccess(exit)) {
        const committed = yield* Effect.exit(commit)
        yield* restoreIsolation
        if (Exit.isFailure(committed)) return yield* Effect.failCause(committed.cause)
        return exit.value
      }
      yield* rollback
      yield* restoreIsolation
      return yield* exit
    })
  )
  return this.ownedWith(Effect.ensuring(body, Effect.sync(() => (holding.active = false))), holding)
}

export function savepoint<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  name: string
): Effect.Effect<A, E | InformixError, R> {
  return Effect.uninterruptibleMask((restore) =>
    Effect.gen({ self: this }, function*() {
      yield* restore(this.control([{ _tag: "SetSavepoint", name, unique: 0 }], `SAVEPOINT ${name}`))
      const exit = yield* Effect.exit(restore(effect))
      if (Exit.isSuccess(exit)) {
        yield* this.control([{ _tag: "ReleaseSavepoint", name }], `RELEASE SAVEPOINT ${name}`)
        return exit.value
      }
      if (this.session.deadWith === undefined) {
        yield* Effect.ignore(this.control([{ _tag: "RollbackSavepoint", name }], `ROLLBACK TO SAVEPOINT ${name}`))
        yield* Effect.ignore(this.control([{ _tag: "ReleaseSavepoint", name }], `RELEASE SAVEPOINT ${name}`))
      }
      return yield* exit
    })
  )
}
