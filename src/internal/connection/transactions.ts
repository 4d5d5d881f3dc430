/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Transactions on a connection: BEGIN / COMMIT / ROLLBACK WORK for the outermost `transaction`, savepoints for
 * nested ones, holding the session's owner permit for the whole transaction.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Connection from "../../Connection.ts"
import type { InformixError } from "../../InformixError.ts"
import { isolationStatement } from "../config/resolve.ts"
import type * as M from "../protocol/messages.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { TransactionDepth } from "./ownership.ts"
import { BEGIN, COMMIT, ROLLBACK } from "./prebuiltMessages.ts"
import { replyHasError } from "./results.ts"
import { noTimeout } from "./statementContext.ts"
import type { Incoming } from "./wireSession.ts"

export function transaction<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  options?: Connection.TransactionOptions
): Effect.Effect<A, E | InformixError, R> {
  return Effect.flatMap(TransactionDepth, (depths: ReadonlyMap<object, number>) => {
    const depth = depths.get(this.session) ?? 0
    const nextDepths = new Map<object, number>(depths)
    nextDepths.set(this.session, depth + 1)
    const inner = Effect.provideService(effect, TransactionDepth, nextDepths)
    return Effect.withSpan(
      depth === 0 ? this.outerTransaction(inner, options) : this.savepoint(inner, depth),
      depth === 0 ? "informix.transaction" : "informix.savepoint",
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

export function outerTransaction<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  options: Connection.TransactionOptions | undefined
): Effect.Effect<A, E | InformixError, R> {
  const begin = Effect.gen({ self: this }, function*() {
    if (options?.isolation !== undefined) {
      yield* this.executeImmediate(noTimeout(isolationStatement(options.isolation)))
    }
    // ANSI: the server opens the transaction with the next statement and refuses BEGIN WORK (JDBC never sends it
    // there, JDBC-READING.md §2).
    if (this.settings.databaseInfo.ansi) return
    yield* this.control([BEGIN], "BEGIN WORK", (reply) => {
      if (!replyHasError(reply)) this.transactionOpen = true
    })
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
  return this.owned(Effect.uninterruptibleMask((restore) =>
    Effect.gen({ self: this }, function*() {
      const began = yield* Effect.exit(restore(begin))
      if (Exit.isFailure(began)) {
        // An interrupted BEGIN WORK may still have run on the server (its reply is drained in the background and
        // then marks the transaction open): roll back, after that drain, so no transaction is left without owner.
        if (Exit.hasInterrupts(began)) yield* rollback
        return yield* Effect.failCause(began.cause)
      }
      const exit = yield* Effect.exit(restore(effect))
      if (Exit.isSuccess(exit)) {
        yield* commit
        return exit.value
      }
      yield* rollback
      return yield* exit
    })
  ))
}

export function savepoint<A, E, R>(
  this: ConnectionImpl,
  effect: Effect.Effect<A, E, R>,
  depth: number
): Effect.Effect<A, E | InformixError, R> {
  const name = `effect_informix_sp_${depth}`
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
