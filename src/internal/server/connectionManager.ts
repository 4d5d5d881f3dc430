/**
 * The cluster's Connection Manager: one listener per service level (SLA), as Informix's `oncmsm` gives each SLA its
 * own sqlhosts entry (name + port). It answers every login with a redirect (SL type 13, marker 103,
 * `server:host:port`) to a running server of the SLA's kind: the primary, a secondary, or any server, round robin
 * among several (the real Connection Manager balances by workload; the order is not part of any contract). With no
 * such server running it refuses the login with -908 (login.ts).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Cluster, Member } from "./cluster.ts"
import { ClusterError } from "./cluster.ts"
import type { ServerContext } from "./context.ts"
import { listen } from "./listeners.ts"

/**
 * Where a service level sends a login: a running server of a role, or (test aids for clients' redirect handling)
 * another service level of this Connection Manager (chains and loops) or a fixed detail (bad targets).
 */
export type Route =
  | "primary"
  | "secondary"
  | "any"
  | { readonly serviceLevel: string }
  | { readonly detail: string }

export interface ServiceLevelSpec {
  readonly name: string
  readonly route: Route
  readonly port: number
}

/** The running members a role route may send a login to, in declaration order. */
export const candidates = (cluster: Cluster, route: "primary" | "secondary" | "any"): ReadonlyArray<Member> =>
  cluster.members.filter((m) => m.running !== undefined && (route === "any" || m.role === route))

/**
 * Starts one listener per service level; `ctx` builds a level's context from its server name and its redirect
 * (the rest, users and engine, is never used: the Connection Manager answers the login and closes).
 */
export const startConnectionManager = (options: {
  readonly host: string
  readonly cluster: Cluster
  readonly levels: ReadonlyArray<ServiceLevelSpec>
  readonly ctx: (serverName: string, redirect: () => string | undefined) => ServerContext
}): Effect.Effect<ReadonlyArray<ServiceLevelSpec>, ClusterError, Scope.Scope> =>
  Effect.gen(function*() {
    const names = new Set(options.levels.map((level) => level.name))
    const unknown = options.levels.find((level) =>
      typeof level.route === "object" && "serviceLevel" in level.route && !names.has(level.route.serviceLevel)
    )
    if (unknown !== undefined) {
      return yield* Effect.fail(new ClusterError(`service level ${unknown.name}: no such target`))
    }
    // Ports of the running service levels, known once each listens (a chain may name a later one).
    const ports = new Map<string, number>()
    return yield* Effect.forEach(options.levels, (level) => {
      let next = 0
      // JDBC splits the detail on `:`, `=` or `|` (JDBC-READING.md §5); an IPv6 host would need other separators.
      const redirect = (): string | undefined => {
        const route = level.route
        if (typeof route === "object") {
          return "detail" in route
            ? route.detail
            : `${route.serviceLevel}:${options.host}:${ports.get(route.serviceLevel)}`
        }
        const fits = candidates(options.cluster, route)
        if (fits.length === 0) return undefined
        const target = fits[next++ % fits.length]!
        return `${target.name}:${options.host}:${target.port}`
      }
      return listen(options.ctx(level.name, redirect), { host: options.host, port: level.port }).pipe(
        Effect.map((listening) => {
          ports.set(level.name, listening.port)
          return { ...level, port: listening.port }
        }),
        Effect.mapError((e) => new ClusterError(`service level ${level.name}: ${e.message}`))
      )
    })
  })
