/**
 * Which sessions the current fiber (and its children) already own, and how deep their transactions are nested.
 *
 * A transaction must hold its session exclusively for its whole duration — statements from other fibers must not
 * run inside it — yet statements issued *within* the transaction (including from child fibers it forks) must not
 * wait for the permit the transaction itself holds. A context reference gives exactly that scoping: it is
 * inherited by child fibers and disappears when the transaction's effect ends.
 *
 * @internal
 */
import * as Context from "effect/Context"

/** Sessions whose `owner` permit is held by an enclosing operation of this fiber. */
export const OwnedSessions = Context.Reference<ReadonlySet<object>>("effect-informix/Connection/OwnedSessions", {
  defaultValue: () => new Set()
})

/** Transaction nesting depth per session (0 / absent = no transaction opened by this fiber). */
export const TransactionDepth = Context.Reference<ReadonlyMap<object, number>>(
  "effect-informix/Connection/TransactionDepth",
  { defaultValue: () => new Map() }
)
