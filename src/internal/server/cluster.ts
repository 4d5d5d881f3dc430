/**
 * A TestServer cluster: a primary and secondaries over one engine, as Informix's shared-disk secondaries (SDS) share
 * one set of chunks. Each member has its own listener and DBSERVERNAME; a secondary's sessions read the committed
 * rows (each engine session is its own SQLite connection on the shared files) and refuse writes (the engine asks
 * `secondary()` per statement). Members stop (listener closed, sockets destroyed mid-reply) and start again on the
 * same port; `promote` moves the primary role.
 *
 * Every member's listener lives in its own scope, so a stop closes exactly that member; the cluster's scope closes
 * whatever still runs.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import type { ServerContext } from "./context.ts"
import type { Listening, ListenOptions } from "./listeners.ts"
import { listen } from "./listeners.ts"

export type Role = "primary" | "secondary"

/** One member: its context is made once (the role is read through `secondary()`), its listener per start. */
export class Member {
  role: Role
  /** The port asked for (0: any), then that of its first start, reused by every later start. */
  port: number
  running: { readonly scope: Scope.Closeable; readonly listening: Listening } | undefined = undefined
  readonly name: string
  readonly ctx: ServerContext
  readonly trace: ListenOptions["trace"]
  constructor(
    name: string,
    port: number,
    role: Role,
    ctx: (secondary: () => boolean) => ServerContext,
    trace: ((role: () => Role) => ListenOptions["trace"]) | undefined
  ) {
    this.name = name
    this.port = port
    this.role = role
    this.ctx = ctx(() => this.role === "secondary")
    this.trace = trace?.(() => this.role)
  }
}

export class ClusterError {
  readonly _tag = "ClusterError"
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

export interface ClusterOptions {
  readonly host: string
  /** The members in order; the first is the primary. `ctx` receives the member's live "am I a secondary" test. */
  readonly members: ReadonlyArray<{
    readonly name: string
    readonly port: number
    readonly ctx: (secondary: () => boolean) => ServerContext
    /** The member's protocol trace, given its live role. */
    readonly trace?: ((role: () => Role) => ListenOptions["trace"]) | undefined
  }>
}

export interface Cluster {
  readonly members: ReadonlyArray<Member>
  /** The primary's name (it may be stopped: then no server takes writes until a promotion). */
  readonly primary: () => string
  readonly promote: (name: string) => Effect.Effect<void, ClusterError>
  readonly stop: (name: string) => Effect.Effect<void, ClusterError>
  readonly start: (name: string) => Effect.Effect<void, ClusterError>
}

/** Closes a member's listener scope (nothing when it is stopped). */
const stopMember = (member: Member): Effect.Effect<void> =>
  Effect.suspend(() => {
    const running = member.running
    if (running === undefined) return Effect.void
    member.running = undefined
    // The listener's finalizer destroys every socket first (replies in flight are cut), then the sessions end
    // and roll back their transactions.
    return Scope.close(running.scope, Exit.void)
  })

export const makeCluster = (options: ClusterOptions): Effect.Effect<Cluster, ClusterError, Scope.Scope> =>
  Effect.gen(function*() {
    const members = options.members.map((spec, index) =>
      new Member(spec.name, spec.port, index === 0 ? "primary" : "secondary", spec.ctx, spec.trace)
    )
    const byName = new Map(members.map((m) => [m.name.toLowerCase(), m]))
    // Role changes, stops and starts one at a time: each looks at the state the previous one left.
    const lock = Semaphore.makeUnsafe(1)

    const startMember = (member: Member): Effect.Effect<void, ClusterError> =>
      Effect.gen(function*() {
        if (member.running !== undefined) return
        const scope = yield* Scope.make()
        const listening = yield* listen(member.ctx, { host: options.host, port: member.port, trace: member.trace })
          .pipe(
            Scope.provide(scope),
            Effect.onError(() => Scope.close(scope, Exit.void)),
            Effect.mapError((e) => new ClusterError(`${member.name}: ${e.message}`))
          )
        member.port = listening.port
        member.running = { scope, listening }
      })

    const find = (name: string): Effect.Effect<Member, ClusterError> => {
      const member = byName.get(name.toLowerCase())
      return member === undefined
        ? Effect.fail(new ClusterError(`no server ${name} in the cluster`))
        : Effect.succeed(member)
    }

    yield* Effect.addFinalizer(() => Effect.forEach(members, stopMember, { discard: true }))
    yield* Effect.forEach(members, startMember, { discard: true })

    const primary = () => members.find((m) => m.role === "primary")!.name

    return {
      members,
      primary,
      promote: (name) =>
        lock.withPermit(Effect.gen(function*() {
          const member = yield* find(name)
          if (member.role === "primary") return
          if (member.running === undefined) {
            return yield* Effect.fail(new ClusterError(`${member.name} is stopped: start it before promoting it`))
          }
          const old = byName.get(primary().toLowerCase())!
          old.role = "secondary"
          member.role = "primary"
          // Both servers' sessions were told the other role at login (warning 0x20): they end, like the sessions of
          // an Informix server whose role changes, and their clients log in again to learn the new one.
          old.running?.listening.dropAll()
          member.running.listening.dropAll()
        })),
      stop: (name) => lock.withPermit(Effect.flatMap(find(name), stopMember)),
      start: (name) => lock.withPermit(Effect.flatMap(find(name), startMember))
    }
  })
