/**
 * The URL form of a connection configuration:
 * `informix://user:password@host:9088/database?server=ol_informix&clientLocale=en_US.utf8&tls=true&connectTimeout=5s`,
 * or for a server group several hosts, `informix://user:password@db1:9088,db2:9088/database?server=ol_a,ol_b`
 * (one server name for all, or one per host).
 *
 * User name, password, host and database are percent-decoded. Query parameter names are matched without regard
 * to case, and Informix's own environment names are accepted as aliases (`INFORMIXSERVER`, `CLIENT_LOCALE`,
 * `DB_LOCALE`). Unknown parameters are errors, so a typo cannot silently fall back to a default.
 *
 * Nothing here ever puts the password into an error message: a URL that does not parse is not echoed, and
 * `redactUrl` is available for logging one that does.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { ConfigError } from "../../InformixError.ts"
import * as Parse from "./parse.ts"
import type { ConnectionConfig, ServerAddress } from "./resolve.ts"

/**
 * Replaces the password (everything between the user name's `:` and the last `@`) and any `password=` query value
 * with `***`. Over-redacts when the text is too mangled to tell, never under-redacts.
 */
export const redactUrl = (text: string): string => {
  let redacted = text.replace(/([?&;](?:password|pwd|pass)=)[^&;]*/gi, "$1***")
  const at = redacted.lastIndexOf("@")
  if (at < 0) return redacted
  const schemeEnd = redacted.indexOf("://")
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0
  const userinfo = redacted.slice(start, at)
  const colon = userinfo.indexOf(":")
  if (colon >= 0) {
    redacted = redacted.slice(0, start) + userinfo.slice(0, colon) + ":***" + redacted.slice(at)
  }
  return redacted
}

const fail = (field: string, message: string): Result.Result<never, ConfigError> =>
  Result.fail(new ConfigError({ field, message: `Invalid ${field}: ${message}` }))

const decode = (field: string, text: string, echo: boolean): Result.Result<string, ConfigError> =>
  Result.mapError(
    Result.try(() => decodeURIComponent(text)),
    () =>
      new ConfigError({
        field,
        message: echo
          ? `Invalid ${field}: "${text}" has malformed percent-encoding`
          : `Invalid ${field}: malformed percent-encoding in the URL`
      })
  )

type Setter = (config: Mutable<ConnectionConfig>, value: string) => Result.Result<void, string>
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const set = <A>(
  parse: (value: string) => Result.Result<A, string>,
  apply: (config: Mutable<ConnectionConfig>, a: A) => void
): Setter =>
(config, value) => Result.map(parse(value), (a) => apply(config, a))

const nonEmpty = (value: string): Result.Result<string, string> =>
  value.length > 0 ? Result.succeed(value) : Result.fail("must not be empty")

const parseTls = (value: string): Result.Result<boolean | { readonly rejectUnauthorized: false }, string> =>
  value.trim().toLowerCase() === "insecure"
    ? Result.succeed({ rejectUnauthorized: false })
    : Result.mapError(Parse.parseBoolean(value), () => `"${value}" is not one of true, false, insecure`)

// Parameter name (lower case) → [canonical name, setter].
const parameters: ReadonlyMap<string, readonly [string, Setter]> = (() => {
  const entries: Array<readonly [ReadonlyArray<string>, string, Setter]> = [
    [["server", "informixserver"], "server", set(nonEmpty, (c, v) => (c.server = v))],
    [["randomstart"], "randomStart", set(Parse.parseBoolean, (c, v) => (c.randomStart = v))],
    [["maxredirects"], "maxRedirects", set((v) => Parse.parseInteger(v, 0, 16), (c, v) => (c.maxRedirects = v))],
    [["targetservertype"], "targetServerType", set(Parse.parseTargetServerType, (c, v) => (c.targetServerType = v))],
    [["clientlocale", "client_locale"], "clientLocale", set(Parse.checkLocaleShape, (c, v) => (c.clientLocale = v))],
    [["dblocale", "db_locale"], "dbLocale", set(Parse.checkLocaleShape, (c, v) => (c.dbLocale = v))],
    [["tls", "ssl"], "tls", set(parseTls, (c, v) => (c.tls = v))],
    [["connecttimeout"], "connectTimeout", set(Parse.parseDuration, (c, v) => (c.connectTimeout = v))],
    [["querytimeout"], "queryTimeout", set(Parse.parseDuration, (c, v) => (c.queryTimeout = v))],
    [["draintimeout"], "drainTimeout", set(Parse.parseDuration, (c, v) => (c.drainTimeout = v))],
    [["lockwait"], "lockWait", set(Parse.parseLockWait, (c, v) => (c.lockWait = v))],
    [["isolation"], "isolation", set(Parse.parseIsolation, (c, v) => (c.isolation = v))],
    [
      ["fetchbuffersize", "fet_buf_size"],
      "fetchBufferSize",
      set((v) => Parse.parseInteger(v, 1, 0x7fff_ffff), (c, v) => (c.fetchBufferSize = v))
    ],
    [
      ["maxmessagesize"],
      "maxMessageSize",
      set((v) => Parse.parseInteger(v, 1, Number.MAX_SAFE_INTEGER), (c, v) => (c.maxMessageSize = v))
    ],
    [["appname", "applicationname"], "appName", set(nonEmpty, (c, v) => (c.appName = v))],
    [["trimchar"], "trimChar", set(Parse.parseBoolean, (c, v) => (c.trimChar = v))],
    [["optofc"], "optofc", set(Parse.parseBoolean, (c, v) => (c.optofc = v))]
  ]
  const map = new Map<string, readonly [string, Setter]>()
  for (const [names, canonical, setter] of entries) {
    for (const name of names) map.set(name, [canonical, setter])
  }
  return map
})()

/**
 * WHATWG URL parsing rejects a port above 65535 as "not a URL", which hides the real mistake. When the text parses
 * once its port is replaced by a valid one, the port was the only problem: return its digits (never anything from
 * the user-info part, so no password can be echoed).
 */
const outOfRangePort = (text: string): string | undefined => {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*?)(\d+)((?:[/?#].*)?)$/is.exec(text)
  if (match === null) return undefined
  const [, head, digits, tail] = match as unknown as [string, string, string, string]
  // The digits must follow the host's `:` (after any user info), and be a number beyond the range.
  const authority = head.slice(head.indexOf("://") + 3)
  if (!authority.slice(authority.lastIndexOf("@") + 1).endsWith(":") || Number(digits) <= 65535) return undefined
  return URL.parse(`${head}1${tail}`) === null ? undefined : digits
}

const portOutOfRange = (digits: string) =>
  fail("port", `${digits} is out of range (expected an integer between 1 and 65535)`)

/** The query parameter names the URL form understands (canonical spelling). */
export const urlParameterNames: ReadonlyArray<string> = Array.from(new Set(Array.from(parameters.values(), ([n]) => n)))

/**
 * Parses the URL form into a (partial) `ConnectionConfig`; defaults and cross-field checks are applied later by
 * `resolveConfig`.
 */
export const parseUrl = (text: string): Result.Result<ConnectionConfig, ConfigError> => {
  const group = splitHosts(text.trim())
  const url = URL.parse(group?.first ?? text.trim())
  if (url === null) {
    const port = outOfRangePort(group?.first ?? text.trim())
    if (port !== undefined) return portOutOfRange(port)
    // Not echoed at all: when the text does not parse, no rule can say reliably where a password in it ends.
    return fail("url", "the text is not a URL (expected informix://user:password@host:port/database?server=…)")
  }
  if (url.protocol !== "informix:" && url.protocol !== "informix-sqli:") {
    return fail("url", `scheme "${url.protocol}" is not supported (use informix://)`)
  }
  const config: Mutable<ConnectionConfig> = {}
  const address = hostAndPort(url)
  if (Result.isFailure(address)) return Result.fail(address.failure)
  if (address.success.host !== undefined) config.host = address.success.host
  if (address.success.port !== undefined) config.port = address.success.port
  if (url.username.length > 0) {
    const user = decode("user", url.username, true)
    if (Result.isFailure(user)) return Result.fail(user.failure)
    config.user = user.success
  }
  if (url.password.length > 0) {
    const password = decode("password", url.password, false)
    if (Result.isFailure(password)) return Result.fail(password.failure)
    config.password = Redacted.make(password.success)
  }
  const path = url.pathname.startsWith("/") ? url.pathname.slice(1) : url.pathname
  if (path.length > 0) {
    if (path.includes("/")) return fail("database", `the URL path must be a single database name`)
    const database = decode("database", path, true)
    if (Result.isFailure(database)) return Result.fail(database.failure)
    config.database = database.success
  }

  const seen = new Set<string>()
  for (const [key, value] of url.searchParams) {
    const entry = parameters.get(key.toLowerCase())
    if (entry === undefined) {
      // Name only the key: the value might be a secret someone put in the wrong place.
      return fail("url", `unknown parameter "${key}" (known: ${urlParameterNames.join(", ")})`)
    }
    const [canonical, setter] = entry
    if (seen.has(canonical)) return fail(canonical, "given more than once in the URL")
    seen.add(canonical)
    const applied = setter(config, value)
    if (Result.isFailure(applied)) return fail(canonical, applied.failure)
  }
  if (group !== undefined) return withGroup(config, group.hosts)
  if (config.server?.includes(",")) return fail("server", "lists several servers but the URL names one host")
  return Result.succeed(config)
}

/** Host and port of a parsed URL: non-special schemes keep the host percent-encoded and IPv6 literals in brackets. */
const hostAndPort = (
  url: URL
): Result.Result<{ readonly host?: string | undefined; readonly port?: number | undefined }, ConfigError> => {
  let host: string | undefined
  if (url.hostname.length > 0) {
    const decoded = url.hostname.startsWith("[") && url.hostname.endsWith("]")
      ? Result.succeed(url.hostname.slice(1, -1))
      : decode("host", url.hostname, true)
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    host = decoded.success
  }
  if (url.port.length === 0) return Result.succeed({ host })
  // WHATWG URL already rejects ports above 65535 (URL.parse returns null); 0 is still possible.
  const port = Parse.parseInteger(url.port, 1, 65535)
  return Result.isFailure(port) ? fail("port", port.failure) : Result.succeed({ host, port: port.success })
}

/**
 * A server group in the authority, `user:password@db1:9088,db2:9089` (as libpq and MongoDB spell several hosts):
 * the URL is parsed with the first host only, the others one by one. Only the part after the last `@` is split, so
 * a password is never cut or echoed.
 */
const splitHosts = (
  text: string
): { readonly first: string; readonly hosts: ReadonlyArray<string> } | undefined => {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(text)
  if (match === null) return undefined
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string]
  const at = authority.lastIndexOf("@")
  const hosts = authority.slice(at + 1).split(",")
  if (hosts.length < 2) return undefined
  return { first: scheme + authority.slice(0, at + 1) + hosts[0] + rest, hosts }
}

/**
 * Turns the hosts of a multi-host URL into `servers`; `server=` then names either one server for all of them or one
 * per host, in the same order.
 */
const withGroup = (
  config: Mutable<ConnectionConfig>,
  hosts: ReadonlyArray<string>
): Result.Result<ConnectionConfig, ConfigError> => {
  const names = config.server?.split(",") ?? []
  if (names.length > 1 && names.length !== hosts.length) {
    return fail("server", `names ${names.length} servers for ${hosts.length} hosts (give one, or one per host)`)
  }
  if (names.some((name) => name.trim().length === 0)) return fail("server", "a server name in the list is empty")
  const servers: Array<ServerAddress> = []
  for (const [index, entry] of hosts.entries()) {
    const parsed = URL.parse(`informix://${entry}`)
    const badPort = parsed === null ? outOfRangePort(`informix://${entry}`) : undefined
    if (badPort !== undefined) {
      return portOutOfRange(badPort)
    }
    if (entry.length === 0 || parsed === null || parsed.hostname.length === 0 || parsed.pathname.length > 0) {
      return fail("servers", `host ${index + 1} of the URL ("${entry}") is not host or host:port`)
    }
    const address = hostAndPort(parsed)
    if (Result.isFailure(address)) return Result.fail(address.failure)
    servers.push({ ...address.success, ...(names.length > 1 ? { server: names[index]!.trim() } : {}) })
  }
  const { host: _host, port: _port, server, ...rest } = config
  return Result.succeed({ ...rest, ...(names.length === 1 ? { server } : {}), servers })
}
