/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * Connecting through a server group and the login redirects of a Connection Manager (JDBC-READING.md §5).
 *
 * The members of `servers` are tried in order (from a random one with `randomStart`, as sqlhosts' `c=1`), each
 * within `connectTimeout`, as IBM JDBC's `Connection.connectToPrimary` goes through an sqlhosts group: any failure
 * moves on to the next member. A login answered by a redirect (SL type 13, reason `Redirected` from `openSession`)
 * is followed with a new login to the named server at its host and port, up to `maxRedirects` hops per member;
 * a target already visited is a loop. Each redirect is logged and the chain is an attribute of the connect span.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Random from "effect/Random"
import { ConnectionError, type InformixError } from "../../InformixError.ts"
import type { ResolvedConfig, ServerTarget } from "../config/resolve.ts"
import type { RedirectTarget } from "../protocol/loginPdu.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { open, type OpenOptions } from "./openSession.ts"

const describe = (target: ServerTarget | RedirectTarget): string => `${target.server}@${target.host}:${target.port}`

/** `member → hop → hop`, for messages. */
const route = (member: ServerTarget, chain: ReadonlyArray<RedirectTarget>): string =>
  [member, ...chain].map(describe).join(" → ")

// A loop is the same server name at the same address; host names compare without case, as DNS does.
const targetKey = (target: ServerTarget): string => `${target.server}@${target.host.toLowerCase()}:${target.port}`

/** One socket + login to one target, bounded by `connectTimeout`; interruption destroys the socket. */
const openWithin = (
  config: ResolvedConfig,
  target: ServerTarget,
  options: OpenOptions
): Effect.Effect<ConnectionImpl, InformixError> =>
  open({ ...config, ...target }, options).pipe(
    Effect.timeoutOrElse({
      duration: config.connectTimeout,
      orElse: () =>
        Effect.fail(
          new ConnectionError({
            reason: "Timeout",
            host: target.host,
            port: target.port,
            message: `Connecting to ${target.host}:${target.port} took longer than ${
              Duration.format(config.connectTimeout)
            }`
          })
        )
    })
  )

/**
 * The redirect's port as a number. JDBC also accepts a service name (looked up in /etc/services); this driver does
 * not read that file, so a service name is a bad target.
 */
const redirectPort = (target: RedirectTarget): number | undefined => {
  if (!/^\d{1,5}$/.test(target.port)) return undefined
  const port = Number(target.port)
  return port >= 1 && port <= 65535 ? port : undefined
}

const redirectFailure = (
  reason: "Redirected" | "RedirectLoop",
  at: ServerTarget,
  chain: ReadonlyArray<RedirectTarget>,
  message: string,
  redirect?: RedirectTarget
): ConnectionError =>
  new ConnectionError({
    reason,
    host: at.host,
    port: at.port,
    message,
    redirects: chain,
    ...(redirect === undefined ? {} : { redirect })
  })

const afterRedirects = (
  error: ConnectionError,
  member: ServerTarget,
  chain: ReadonlyArray<RedirectTarget>
): ConnectionError =>
  new ConnectionError({
    reason: error.reason,
    host: error.host,
    port: error.port,
    message: `${error.message} (reached through login redirects: ${route(member, chain)})`,
    redirects: chain,
    ...(error.redirect === undefined ? {} : { redirect: error.redirect }),
    ...(error.cause === undefined ? {} : { cause: error.cause })
  })

const wrongType = (config: ResolvedConfig, connection: ConnectionImpl, at: ServerTarget): ConnectionError =>
  new ConnectionError({
    reason: "ServerType",
    host: at.host,
    port: at.port,
    message: `${describe(at)} is ${connection.databaseInfo.readOnly ? "a read-only secondary" : "not read-only"}, ` +
      `but targetServerType is "${config.targetServerType}"`
  })

const typeMatches = (config: ResolvedConfig, connection: ConnectionImpl): boolean =>
  config.targetServerType === "any" ||
  (config.targetServerType === "secondary") === connection.databaseInfo.readOnly

/** One member of the group: log in, following redirects; then check the server's kind. */
const connectMember = (
  config: ResolvedConfig,
  member: ServerTarget,
  options: OpenOptions
): Effect.Effect<ConnectionImpl, InformixError> =>
  Effect.gen(function*() {
    let target = member
    const chain: Array<RedirectTarget> = []
    const visited = new Set([targetKey(member)])
    while (true) {
      const exit = yield* Effect.exit(openWithin(config, target, options))
      if (Exit.isSuccess(exit)) {
        const connection = exit.value
        if (chain.length > 0) yield* Effect.annotateCurrentSpan("informix.redirects", chain.map(describe).join(" → "))
        if (typeMatches(config, connection)) return connection
        yield* connection.close
        return yield* wrongType(config, connection, target)
      }
      const error = Cause.findErrorOption(exit.cause)
      const redirected = error._tag === "Some" && error.value._tag === "ConnectionError" &&
          error.value.reason === "Redirected"
        ? error.value
        : undefined
      if (redirected === undefined || config.maxRedirects === 0) {
        // A connection failure at a redirect's target says how the client got there (the configured address is
        // not the one that failed).
        return yield* chain.length > 0 && error._tag === "Some" && error.value._tag === "ConnectionError"
          ? Effect.fail(afterRedirects(error.value, member, chain))
          : Effect.failCause(exit.cause)
      }
      const next = redirected.redirect
      if (next === undefined) {
        return yield* redirectFailure("Redirected", target, chain, redirected.message)
      }
      chain.push(next)
      const port = redirectPort(next)
      if (port === undefined) {
        return yield* redirectFailure(
          "Redirected",
          target,
          chain,
          `${describe(target)} redirected the login to ${describe(next)}, whose port is not a number between 1 and ` +
            "65535 (service names are not looked up)",
          next
        )
      }
      const hop: ServerTarget = { server: next.server, host: next.host, port }
      if (visited.has(targetKey(hop))) {
        return yield* redirectFailure(
          "RedirectLoop",
          target,
          chain,
          `Login redirects went round in a circle: ${route(member, chain)}`,
          next
        )
      }
      if (chain.length > config.maxRedirects) {
        return yield* redirectFailure(
          "RedirectLoop",
          target,
          chain,
          `More than ${config.maxRedirects} login redirects (maxRedirects): ${route(member, chain)}`,
          next
        )
      }
      yield* Effect.logDebug(`informix: login redirected from ${describe(target)} to ${describe(hop)}`)
      visited.add(targetKey(hop))
      target = hop
    }
  })

const attemptOf = (member: ServerTarget, error: InformixError) => ({
  server: member.server,
  host: member.host,
  port: member.port,
  error: error._tag,
  ...("reason" in error && typeof error.reason === "string" ? { reason: error.reason } : {}),
  ...("sqlcode" in error && typeof error.sqlcode === "number" ? { sqlcode: error.sqlcode } : {}),
  message: error.message
})

/** The members in the order they are tried: as given, or from a random one onwards (going round). */
const memberOrder = (config: ResolvedConfig): Effect.Effect<ReadonlyArray<ServerTarget>> =>
  !config.randomStart || config.servers.length < 2
    ? Effect.succeed(config.servers)
    : Effect.map(
      Random.nextIntBetween(0, config.servers.length, { halfOpen: true }),
      (start) => [...config.servers.slice(start), ...config.servers.slice(0, start)]
    )

/**
 * Opens a session on the first member of the group that logs in (and is of the `targetServerType` asked for). A
 * group of one fails with that member's own error; a larger group, when every member failed, with `ConnectionError`
 * reason `Unavailable` listing each attempt (the last member's error is its `cause`).
 */
export const connect = (config: ResolvedConfig, options: OpenOptions): Effect.Effect<ConnectionImpl, InformixError> =>
  Effect.gen(function*() {
    const members = yield* memberOrder(config)
    const attempts: Array<ReturnType<typeof attemptOf>> = []
    let last: InformixError | undefined
    for (const member of members) {
      const exit = yield* Effect.exit(connectMember(config, member, options))
      if (Exit.isSuccess(exit)) return exit.value
      const error = Cause.findErrorOption(exit.cause)
      // Interruption and defects end the connect; a single member reports its own error unchanged.
      if (error._tag === "None" || members.length === 1) return yield* Effect.failCause(exit.cause)
      attempts.push(attemptOf(member, error.value))
      last = error.value
      yield* Effect.logDebug(`informix: ${describe(member)} failed (${error.value.message}); trying the next server`)
    }
    const first = members[0]!
    return yield* new ConnectionError({
      reason: "Unavailable",
      host: first.host,
      port: first.port,
      message: `No server of the group logged in: ${
        attempts.map((a) => `${a.server}@${a.host}:${a.port} (${a.reason ?? a.error}: ${a.message})`).join("; ")
      }`,
      attempts,
      cause: last
    })
  }).pipe(
    Effect.withSpan("informix.connect", {
      kind: "client",
      attributes: {
        "db.system.name": "informix",
        "server.address": config.host,
        "server.port": config.port,
        "informix.servers": config.servers.map(describe).join(", ")
      }
    })
  )
