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
import { parseUrl } from "./url.ts"

export type { IsolationLevel, LockWait } from "./parse.ts"
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
  /** TCP connect + TLS + login. Default 10 seconds. */
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
   * Codecs for named extended types (opaque UDTs), by type name: columns of these types decode through them and
   * `InformixValue.namedType` parameters encode through them. Without one, such values are `OpaqueValue` bytes.
   */
  readonly types?: TypeCodecs | undefined
}

/**
 * A validated configuration with every default applied.
 */
export interface ResolvedConfig {
  readonly host: string
  readonly port: number
  readonly server: string
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
  drainTimeout: Duration.seconds(5)
} as const

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

    const host = config.host ?? defaults.host
    if (host.trim().length === 0) return yield* invalid("host", "must not be empty")
    const port = yield* check("port", Parse.checkInteger(config.port ?? defaults.port, 1, 65535))
    const server = config.server ?? defaults.server
    if (server.length === 0) return yield* invalid("server", "must not be empty")
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
