/**
 * Reads an Informix sqlhosts file (its text) the way IBM JDBC's `com.informix.jns.FileSqlhosts` does, to find the
 * server or server group a configuration's `server` names:
 *
 * - one entry per line, `dbservername nettype hostname servicename [options]`, fields separated by blanks; blank
 *   lines and lines starting with `#` are skipped;
 * - options are separated by commas or blanks, `name=value` (a `#` ends them);
 * - an entry whose nettype is `group` starts a group: its members are the entries right after it with option
 *   `g=<group>`, up to the entry its option `e=` names, or else up to the first entry not in the group; its option
 *   `c=1` starts at a random member (`randomStart`);
 * - a hostname's leading `*` (listen on every address) is dropped.
 *
 * The service must be a port number: a service name would need /etc/services, which the driver does not read.
 *
 * @internal
 */
import * as Result from "effect/Result"
import { ConfigError } from "../../InformixError.ts"

/** One sqlhosts entry. */
interface Entry {
  readonly name: string
  readonly nettype: string
  readonly host: string
  readonly service: string
  readonly options: ReadonlyMap<string, string>
  readonly line: number
}

/** The members a name stands for, and whether to start at a random one. */
export interface SqlhostsLookup {
  readonly servers: ReadonlyArray<{ readonly host: string; readonly port: number; readonly server: string }>
  readonly randomStart: boolean
}

const fail = (message: string): Result.Result<never, ConfigError> =>
  Result.fail(new ConfigError({ field: "sqlhosts", message: `Invalid sqlhosts: ${message}` }))

const parseOptions = (text: string): ReadonlyMap<string, string> => {
  const options = new Map<string, string>()
  for (const token of text.split("#")[0]!.split(/[\s,]+/)) {
    if (token.length === 0) continue
    const equals = token.indexOf("=")
    if (equals < 0) options.set(token.toLowerCase(), "")
    else options.set(token.slice(0, equals).toLowerCase(), token.slice(equals + 1))
  }
  return options
}

const parseEntries = (text: string): ReadonlyArray<Entry> => {
  const entries: Array<Entry> = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line.length === 0 || line.startsWith("#")) continue
    const [name = "", nettype = "", host = "", service = "", ...rest] = line.split(/\s+/)
    entries.push({ name, nettype, host, service, options: parseOptions(rest.join(" ")), line: index + 1 })
  }
  return entries
}

const isGroup = (entry: Entry): boolean => entry.nettype.toLowerCase() === "group"

const sameName = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase()

/** The members of the group entry at `index`: the entries after it with `g=<group>` (JDBC's `collectGroups`). */
const membersOf = (entries: ReadonlyArray<Entry>, index: number): ReadonlyArray<Entry> => {
  const group = entries[index]!
  const end = group.options.get("e")
  const members: Array<Entry> = []
  for (const entry of entries.slice(index + 1)) {
    const inGroup = sameName(entry.options.get("g"), group.name)
    if (inGroup) members.push(entry)
    if (end !== undefined ? sameName(end, entry.name) : !inGroup) break
  }
  return members
}

const target = (entry: Entry): Result.Result<SqlhostsLookup["servers"][number], ConfigError> => {
  const host = entry.host.replace(/^\*/, "")
  if (host.length === 0 || host === "-") return fail(`line ${entry.line}: ${entry.name} has no host name`)
  if (!/^\d{1,5}$/.test(entry.service) || Number(entry.service) < 1 || Number(entry.service) > 65535) {
    return fail(
      `line ${entry.line}: the service of ${entry.name} ("${entry.service}") is not a port number ` +
        "(service names are not looked up: write the port)"
    )
  }
  return Result.succeed({ host, port: Number(entry.service), server: entry.name })
}

/**
 * The members `name` stands for in the sqlhosts text: a group's members in order, or the one entry. Unknown names,
 * empty groups and members without a host or a numeric port are `ConfigError`s (field `sqlhosts`).
 */
export const lookupSqlhosts = (text: string, name: string): Result.Result<SqlhostsLookup, ConfigError> => {
  const entries = parseEntries(text)
  // Names are matched exactly, as JDBC's map lookup does; group membership (g=, e=) ignores case.
  const index = entries.findIndex((entry) => entry.name === name)
  if (index < 0) return fail(`no entry named ${name}`)
  const entry = entries[index]!
  const members = isGroup(entry) ? membersOf(entries, index) : [entry]
  if (members.length === 0) return fail(`the group ${name} has no members (entries with g=${name} right after it)`)
  const servers: Array<SqlhostsLookup["servers"][number]> = []
  for (const member of members) {
    const resolved = target(member)
    if (Result.isFailure(resolved)) return Result.fail(resolved.failure)
    servers.push(resolved.success)
  }
  return Result.succeed({ servers, randomStart: isGroup(entry) && entry.options.get("c") === "1" })
}
