/**
 * Which sessions the current fiber (and its children) already own, and the transaction levels it runs in.
 *
 * A transaction must hold its session exclusively for its whole duration — statements from other fibers must not
 * run inside it — yet statements issued *within* the transaction (including from child fibers it forks) must not
 * wait for the permit the transaction itself holds. A context reference gives that scoping: it is inherited by
 * child fibers and disappears when the transaction's effect ends.
 *
 * A child fiber can outlive the transaction that forked it (`forkDetach`, `forkIn` an outer scope, or `forkChild`
 * from a parent that goes on after the transaction) and keeps the context it inherited. So each holding and each
 * transaction level carries an `active` flag, cleared when its operation ends: a fiber whose inherited holding is no
 * longer active takes the owner permit like any other fiber, and its `transaction()` opens a new transaction (or a
 * savepoint of the innermost level still running) instead of a savepoint of one that has ended.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Semaphore from "effect/Semaphore"

/** One holding of a session's owner permit: active until the operation that took the permit ends. */
export class Holding {
  active = true
}

/**
 * The holding of library operations that never run user code under the permit (a statement, a fetch, a CLOSE):
 * nothing can fork from them and outlive them, so they need no flag of their own.
 */
export const internalHolding: Holding = new Holding()

/** Sessions whose `owner` permit is held by an enclosing operation of this fiber, with that holding. */
export const OwnedSessions = Context.Reference<ReadonlyMap<object, Holding>>(
  "effect-informix/Connection/OwnedSessions",
  { defaultValue: () => new Map() }
)

/** One level of a transaction: the transaction itself (depth 1) or a savepoint inside it (depth > 1). */
export class TransactionLevel {
  active = true
  readonly depth: number
  readonly parent: TransactionLevel | undefined
  /** Nested `transaction()` calls of sibling fibers at this level run one after another (see `transaction`). */
  readonly children: Semaphore.Semaphore = Semaphore.makeUnsafe(1)

  constructor(parent: TransactionLevel | undefined) {
    this.parent = parent
    this.depth = parent === undefined ? 1 : parent.depth + 1
  }

  /** This level if it is still running, else the innermost enclosing one that is; `undefined` when none is. */
  static innermostActive(level: TransactionLevel | undefined): TransactionLevel | undefined {
    let current = level
    while (current !== undefined && !current.active) current = current.parent
    return current
  }
}

/** The transaction level per session this fiber runs in (absent = none opened by this fiber or its parents). */
export const TransactionLevels = Context.Reference<ReadonlyMap<object, TransactionLevel>>(
  "effect-informix/Connection/TransactionLevels",
  { defaultValue: () => new Map() }
)
