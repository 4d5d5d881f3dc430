/**
 * Connection configuration: the user-facing `ConnectionConfig` (object or URL), the `ResolvedConfig` the session
 * works with (every default applied, every value checked), and an effect `Config` reading the environment.
 *
 * Passwords stay `Redacted` from the moment they are read; error messages never contain them.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as Tls from "node:tls"
import { ConfigError } from "../../InformixError.ts"
import type { TypeCodecs } from "../../InformixValue.ts"
import { charsetForLocale } from "../values/index.ts"
import * as Parse from "./parse.ts"
import { lookupSqlhosts } from "./sqlhosts.ts"
import { parseUrl } from "./url.ts"

export type { IsolationLevel, LockWait, TargetServerType } from "./parse.ts"
export { isolationStatement, lockWaitStatement } from "./parse.ts"
export { redactUrl } from "./url.ts"

/** How a PAM challenge is meant to be shown (the server's SQ_CHALLENGE style). */
export type PamStyle = "promptEchoOff" | "promptEchoOn" | "errorMessage" | "textInfo" | "unknown"

/** One PAM challenge of the server's login conversation. */
export interface PamChallenge {
  readonly style: PamStyle
  /** The server's text, e.g. `"Password: "` or `"Verification code: "`. */
  readonly prompt: string
  /** Whether the answer may be shown while typed (`promptEchoOn`); false for secrets. */
  readonly echo: boolean
  /** False for error and info messages: the handler sees them, but nothing is sent back. */
  readonly expectsAnswer: boolean
}

/** Answers one PAM challenge; a failure ends the login with an AuthenticationError naming the prompt. */
export type PamHandler = (challenge: PamChallenge) => Effect.Effect<string, unknown>

/**
 * One member of a server group (an sqlhosts group line, a Connection Manager listener, an HDR pair's side). Fields
 * left out take the configuration's own `host`, `port` and `server`.
 */
export interface ServerAddress {
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** INFORMIXSERVER sent to this member: its DBSERVERNAME (or, for a Connection Manager, the service level). */
  readonly server?: string | undefined
}

/** A group member with every field known. */
export interface ServerTarget {
  readonly host: string
  readonly port: number
  readonly server: string
}

/**
 * How to reach and log in to an Informix server. Every field is optional here; `resolveConfig` applies the
 * defaults and rejects what is missing or invalid. Explicit fields win over the same setting in `url`.
 */
export interface ConnectionConfig {
  /**
   * `informix://user:password@host:port/database?server=…` — see `parseUrl`; other fields override it. It carries
   * the password, so prefer a `Redacted` (as `INFORMIX_URL` is read); clients keep it `Redacted` either way.
   */
  readonly url?: Redacted.Redacted<string> | string | undefined
  /** Default `"localhost"`. */
  readonly host?: string | undefined
  /** Default 9088 (the usual onsoctcp port). */
  readonly port?: number | undefined
  /** INFORMIXSERVER: the DBSERVERNAME or alias of the listener. Default `"informix"`. */
  readonly server?: string | undefined
  /**
   * A server group: the members are tried in order (each within `connectTimeout`, each following the login
   * redirects of a Connection Manager) until one logs in; when all fail, a `ConnectionError` with reason
   * `Unavailable` lists every attempt. `host`, `port` and `server` are then the defaults of members that leave them
   * out. In the URL: several hosts, `informix://user@db1:9088,db2:9088/stores?server=ol_a,ol_b`.
   */
  readonly servers?: ReadonlyArray<ServerAddress> | undefined
  /**
   * The text of an sqlhosts file (e.g. `fs.readFileSync("/opt/informix/etc/sqlhosts", "utf8")`): `server` is then
   * looked up in it as IBM's clients do with INFORMIXSERVER and INFORMIXSQLHOSTS — a group entry gives its members
   * as `servers` (in file order; option `c=1` sets `randomStart`), a server entry its host and port. Not together
   * with `servers`.
   */
  readonly sqlhosts?: string | undefined
  /** Start at a random member of `servers` (then go round in order), as sqlhosts' group option `c=1`. Default false. */
  readonly randomStart?: boolean | undefined
  /** Login redirects (Connection Manager, SL type 13) followed per member before giving up. Default 2, at most 16. */
  readonly maxRedirects?: number | undefined
  /** Which servers a session may stay on (`TargetServerType`). Default `"any"`. */
  readonly targetServerType?: Parse.TargetServerType | undefined
  /** Database opened after login; none when omitted. */
  readonly database?: string | undefined
  /** Required. */
  readonly user?: string | undefined
  /** The password, or an effect producing it (e.g. `Config.Redacted("INFORMIX_PASSWORD")`). */
  readonly password?:
    | Redacted.Redacted<string>
    | Effect.Effect<Redacted.Redacted<string>, unknown>
    | undefined
  /**
   * Answers the server's PAM challenges (only asked when the server's SQ_PROTOCOLS reply requires PAM). Without
   * it, the first echo-off prompt is answered with `password`, info and error messages are ignored, and any other
   * prompt fails the login with an AuthenticationError naming it.
   */
  readonly pam?: PamHandler | undefined
  /** CLIENT_LOCALE sent at login. Default `"en_US.8859-1"`, as Informix itself defaults. */
  readonly clientLocale?: string | undefined
  /** DB_LOCALE: the database code set the client expects. Default `"en_US.8859-1"`. */
  readonly dbLocale?: string | undefined
  /** `true` = TLS with certificate verification; an options object for custom CAs etc. Default off. */
  readonly tls?: boolean | Tls.ConnectionOptions | undefined
  /** TCP connect + TLS + login, for each server tried (each group member, each redirect hop). Default 10 seconds. */
  readonly connectTimeout?: Duration.Input | undefined
  /** `SET LOCK MODE` after login; server default (NOT WAIT) when omitted. */
  readonly lockWait?: Parse.LockWait | undefined
  /** `SET ISOLATION` after opening the database; server default when omitted. */
  readonly isolation?: Parse.IsolationLevel | undefined
  /**
   * Tuple bytes of a result's first NFETCH (FET_BUF_SIZE). Default 4096, as JDBC; later fetches of the same result
   * double it up to 64 KiB.
   */
  readonly fetchBufferSize?: number | undefined
  /** Largest single server message the decoder buffers before failing with ProtocolError. Default 256 MiB. */
  readonly maxMessageSize?: number | undefined
  /** Application name sent at login. Default `"effect-informix"`. */
  readonly appName?: string | undefined
  /** Per-statement limit; the statement is interrupted on the server when it expires. None by default. */
  readonly queryTimeout?: Duration.Input | undefined
  /** How long an interrupted session may keep draining its reply before it is retired. Default 5 seconds. */
  readonly drainTimeout?: Duration.Input | undefined
  /** Trim trailing blanks from CHAR/NCHAR values. Default false (values are returned as stored). */
  readonly trimChar?: boolean | undefined
  /**
   * Ask the server to close a SELECT's cursor itself once its last row is fetched (Informix's OPTOFC, sent in the
   * session environment), so a query needs no CLOSE of its own. Default true; a server that does not honour it gets
   * the CLOSE from the driver.
   */
  readonly optofc?: boolean | undefined
  /**
   * Codecs for named extended types (opaque UDTs), by type name: columns of these types decode through them and
   * `InformixValue.namedType` parameters encode through them. Without one, such values are `OpaqueValue` bytes.
   */
  readonly types?: TypeCodecs | undefined
}

/**
 * A validated configuration with every default applied.
 */
export interface ResolvedConfig {
  /** The member being connected to (the first of `servers` until the session's connect picks another). */
  readonly host: string
  readonly port: number
  readonly server: string
  /** The server group, in the order given (at least one member; just `host`, `port`, `server` without a group). */
  readonly servers: ReadonlyArray<ServerTarget>
  readonly randomStart: boolean
  readonly maxRedirects: number
  readonly targetServerType: Parse.TargetServerType
  readonly database: string | undefined
  readonly user: string
  readonly password: Redacted.Redacted<string> | undefined
  readonly pam: PamHandler | undefined
  readonly clientLocale: string
  readonly dbLocale: string
  /** `undefined` = plain TCP. `true` in the input becomes `{}` (Node's defaults: verify the certificate). */
  readonly tls: Tls.ConnectionOptions | undefined
  readonly connectTimeout: Duration.Duration
  readonly lockWait: Parse.LockWait | undefined
  readonly isolation: Parse.IsolationLevel | undefined
  readonly fetchBufferSize: number
  readonly maxMessageSize: number
  readonly appName: string
  readonly queryTimeout: Duration.Duration | undefined
  readonly drainTimeout: Duration.Duration
  readonly trimChar: boolean
  readonly optofc: boolean
  readonly types: TypeCodecs | undefined
}

export const defaults = {
  host: "localhost",
  port: 9088,
  // IBM's Informix container images and the golden login captures use "informix" as DBSERVERNAME.
  server: "informix",
  locale: "en_US.8859-1",
  connectTimeout: Duration.seconds(10),
  fetchBufferSize: 4096,
  maxMessageSize: 256 * 1024 * 1024,
  appName: "effect-informix",
  drainTimeout: Duration.seconds(5),
  // JDBC follows one redirect on a plain connect; a second allows a Connection Manager that hands over to another.
  maxRedirects: 2
} as const

const MAX_REDIRECTS = 16

const invalid = (field: string, reason: string): ConfigError =>
  new ConfigError({ field, message: `Invalid ${field}: ${reason}` })

const check = <A>(field: string, result: Result.Result<A, string>): Effect.Effect<A, ConfigError> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(invalid(field, result.failure))

const optionalDuration = (field: string, input: Duration.Input | undefined) =>
  input === undefined ? Effect.succeed(undefined) : check(field, Parse.checkDurationInput(input))

const resolvePassword = (
  password: ConnectionConfig["password"]
): Effect.Effect<Redacted.Redacted<string> | undefined, ConfigError> => {
  if (password === undefined) return Effect.succeed(undefined)
  if (Redacted.isRedacted(password)) return Effect.succeed(password as Redacted.Redacted<string>)
  // Untyped callers (plain JS, JSON config) may pass a bare string: running it as an Effect would die with a defect
  // that carries the secret, so reject anything that is not an Effect before touching it.
  if (!Effect.isEffect(password)) {
    return Effect.fail(
      invalid("password", "must be a Redacted value (Redacted.make(secret)) or an Effect yielding one")
    )
  }
  return Effect.flatMap(
    // The failure itself is not reported: an arbitrary failure value could contain the secret it was reading.
    Effect.mapError(password, () => invalid("password", "the effect providing it failed")),
    (value) =>
      Redacted.isRedacted(value)
        ? Effect.succeed(value)
        : Effect.fail(invalid("password", "the effect providing it did not yield a Redacted value"))
  )
}

// Shape first (language_territory.codeset), then the code set must be one the value codecs can convert, because
// every CHAR/VARCHAR value will be decoded with it.
const resolveLocale = (field: string, locale: string) =>
  Effect.flatMap(
    check(field, Parse.checkLocaleShape(locale)),
    (shaped) =>
      charsetForLocale(shaped) === undefined
        ? Effect.fail(invalid(field, `the code set of "${shaped}" is not supported`))
        : Effect.succeed(shaped)
  )

/**
 * `true` is verified TLS with Node's defaults, an object is `tls.connect` options. Untyped callers (JSON, env glue)
 * may pass `"yes"` or `null`: a ConfigError naming the JS type, not the value, rather than a half-configured socket.
 */
const resolveTls = (tls: unknown): Effect.Effect<Tls.ConnectionOptions | undefined, ConfigError> => {
  if (tls === undefined || tls === false) return Effect.succeed(undefined)
  if (tls === true) return Effect.succeed({})
  if (typeof tls === "object" && tls !== null && !Array.isArray(tls)) {
    return Effect.succeed(tls as Tls.ConnectionOptions)
  }
  const got = tls === null ? "null" : Array.isArray(tls) ? "an array" : `a ${typeof tls}`
  return Effect.fail(invalid("tls", `expected true, false or an object of TLS options, got ${got}`))
}

const merge = (base: ConnectionConfig, override: ConnectionConfig): ConnectionConfig => {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) merged[key] = value
  }
  return merged as ConnectionConfig
}

/** One member: its own fields, else the configuration's, else the defaults. */
const resolveTarget = (
  field: string,
  entry: ServerAddress,
  config: ConnectionConfig
): Effect.Effect<ServerTarget, ConfigError> =>
  Effect.gen(function*() {
    const host = entry.host ?? config.host ?? defaults.host
    if (typeof host !== "string" || host.trim().length === 0) return yield* invalid(`${field}host`, "must not be empty")
    const port = yield* check(`${field}port`, Parse.checkInteger(entry.port ?? config.port ?? defaults.port, 1, 65535))
    const server = entry.server ?? config.server ?? defaults.server
    if (typeof server !== "string" || server.length === 0) return yield* invalid(`${field}server`, "must not be empty")
    return { host, port, server }
  })

/**
 * The server group: the sqlhosts entry `server` names, or `servers` when given (at least one member), else the single
 * `host` / `port` / `server`. `randomStart` is the sqlhosts group's `c=1` when the text gives one.
 */
const resolveServers = (
  config: ConnectionConfig
): Effect.Effect<{ readonly servers: ReadonlyArray<ServerTarget>; readonly randomStart?: boolean }, ConfigError> =>
  Effect.gen(function*() {
    const group: unknown = config.servers
    if (config.sqlhosts !== undefined) {
      if (typeof config.sqlhosts !== "string") return yield* invalid("sqlhosts", "must be the text of an sqlhosts file")
      if (group !== undefined) return yield* invalid("sqlhosts", "give either servers or sqlhosts, not both")
      const found = lookupSqlhosts(config.sqlhosts, config.server ?? defaults.server)
      return Result.isSuccess(found) ? found.success : yield* found.failure
    }
    if (group === undefined) return { servers: [yield* resolveTarget("", {}, config)] }
    if (!Array.isArray(group) || group.length === 0) {
      return yield* invalid("servers", "must be a non-empty array of { host, port, server }")
    }
    const targets: Array<ServerTarget> = []
    for (const [index, entry] of (group as ReadonlyArray<unknown>).entries()) {
      if (typeof entry !== "object" || entry === null) {
        return yield* invalid(`servers[${index}]`, "must be an object { host, port, server }")
      }
      targets.push(yield* resolveTarget(`servers[${index}].`, entry as ServerAddress, config))
    }
    return { servers: targets }
  })

/**
 * Applies defaults and validates. A string is taken as the URL form. Every failure is a `ConfigError` naming the
 * field; none of them contains the password.
 */
export const resolveConfig = (input: ConnectionConfig | string): Effect.Effect<ResolvedConfig, ConfigError> =>
  Effect.gen(function*() {
    // Untyped callers can pass anything; only a string (URL form) or an object is a configuration.
    if (typeof input !== "string" && (typeof input !== "object" || input === null)) {
      return yield* new ConfigError({ message: "Invalid configuration: expected an options object or a URL string" })
    }
    const given: ConnectionConfig = typeof input === "string" ? { url: input } : input
    let config = given
    if (given.url !== undefined) {
      const text: unknown = Redacted.isRedacted(given.url) ? Redacted.value(given.url) : given.url
      if (typeof text !== "string") {
        return yield* invalid("url", "must be a string or a Redacted string")
      }
      const fromUrl = parseUrl(text)
      if (Result.isFailure(fromUrl)) return yield* fromUrl.failure
      const { url: _url, ...explicit } = given
      config = merge(fromUrl.success, explicit)
    }

    const { servers, randomStart } = yield* resolveServers(config)
    const { host, port, server } = servers[0]!
    const maxRedirects = yield* check(
      "maxRedirects",
      Parse.checkInteger(config.maxRedirects ?? defaults.maxRedirects, 0, MAX_REDIRECTS)
    )
    const targetServerType = config.targetServerType ?? "any"
    if (!Parse.targetServerTypes.includes(targetServerType)) {
      return yield* invalid(
        "targetServerType",
        `"${String(targetServerType)}" is not one of ${Parse.targetServerTypes.join(", ")}`
      )
    }
    if (config.randomStart !== undefined && typeof config.randomStart !== "boolean") {
      return yield* invalid("randomStart", "must be true or false")
    }
    if (config.database !== undefined && config.database.length === 0) {
      return yield* invalid("database", "must not be empty (omit it to connect without a database)")
    }
    if (config.user === undefined || config.user.length === 0) {
      return yield* invalid("user", "a user name is required")
    }
    const clientLocale = yield* resolveLocale("clientLocale", config.clientLocale ?? defaults.locale)
    const dbLocale = yield* resolveLocale("dbLocale", config.dbLocale ?? defaults.locale)
    const connectTimeout = yield* optionalDuration("connectTimeout", config.connectTimeout)
    const queryTimeout = yield* optionalDuration("queryTimeout", config.queryTimeout)
    const drainTimeout = yield* optionalDuration("drainTimeout", config.drainTimeout)
    const lockWait = config.lockWait === undefined
      ? undefined
      : yield* check("lockWait", Parse.checkLockWait(config.lockWait))
    if (config.isolation !== undefined && !Parse.isolationLevels.includes(config.isolation)) {
      return yield* invalid(
        "isolation",
        `"${String(config.isolation)}" is not one of ${Parse.isolationLevels.join(", ")}`
      )
    }
    const fetchBufferSize = yield* check(
      "fetchBufferSize",
      Parse.checkInteger(config.fetchBufferSize ?? defaults.fetchBufferSize, 1, 0x7fff_ffff)
    )
    const maxMessageSize = yield* check(
      "maxMessageSize",
      Parse.checkInteger(config.maxMessageSize ?? defaults.maxMessageSize, 1, Number.MAX_SAFE_INTEGER)
    )
    const appName = config.appName ?? defaults.appName
    const password = yield* resolvePassword(config.password)
    const tls = yield* resolveTls(config.tls)
    if (
      config.types !== undefined &&
      (typeof config.types !== "object" || config.types === null ||
        Object.values(config.types).some((codec) => !Schema.isSchema(codec)))
    ) {
      return yield* invalid("types", "must map type names to Schemas between the type's bytes and its value")
    }
    if (config.pam !== undefined && typeof config.pam !== "function") {
      return yield* invalid("pam", "must be a function answering a PAM challenge with an Effect")
    }

    const resolved: ResolvedConfig = {
      host,
      port,
      server,
      servers,
      randomStart: config.randomStart ?? randomStart ?? false,
      maxRedirects,
      targetServerType,
      database: config.database,
      user: config.user,
      password,
      pam: config.pam,
      clientLocale,
      dbLocale,
      tls,
      connectTimeout: connectTimeout ?? defaults.connectTimeout,
      lockWait,
      isolation: config.isolation,
      fetchBufferSize,
      maxMessageSize,
      appName,
      queryTimeout,
      drainTimeout: drainTimeout ?? defaults.drainTimeout,
      trimChar: config.trimChar ?? false,
      optofc: config.optofc ?? true,
      types: config.types
    }
    return resolved
  })

const optionalString = (name: string) => Config.option(Config.String(name))

/**
 * The configuration with its `url` (which carries the password) wrapped in `Redacted`, for keeping and showing.
 */
export const redactConfig = <C extends ConnectionConfig>(config: C): C =>
  typeof config.url === "string" ? { ...config, url: Redacted.make(config.url) } : config

/**
 * Reads a `ConnectionConfig` from the environment: `INFORMIX_URL` (optional, read as Redacted; the other variables
 * override its parts), `INFORMIX_HOST`, `INFORMIX_PORT`, `INFORMIXSERVER`, `INFORMIX_DATABASE`, `INFORMIX_USER`,
 * `INFORMIX_PASSWORD` (read as Redacted), and Informix's own `CLIENT_LOCALE` / `DB_LOCALE`. Missing variables are
 * simply absent; `resolveConfig` applies defaults and checks.
 */
export const fromEnv: Config.Config<ConnectionConfig> = Config.all({
  url: Config.option(Config.Redacted("INFORMIX_URL")),
  host: optionalString("INFORMIX_HOST"),
  port: Config.option(Config.Port("INFORMIX_PORT")),
  server: optionalString("INFORMIXSERVER"),
  database: optionalString("INFORMIX_DATABASE"),
  user: optionalString("INFORMIX_USER"),
  password: Config.option(Config.Redacted("INFORMIX_PASSWORD")),
  clientLocale: optionalString("CLIENT_LOCALE"),
  dbLocale: optionalString("DB_LOCALE")
}).pipe(
  Config.map((values): ConnectionConfig => {
    const config: Record<string, unknown> = {}
    const entries: Array<[string, Option.Option<unknown>]> = Object.entries(values)
    for (const [key, value] of entries) {
      if (Option.isSome(value)) config[key] = value.value
    }
    return config as ConnectionConfig
  })
)
