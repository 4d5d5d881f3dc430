/**
 * Sequences (IBM "CREATE SEQUENCE", "ALTER SEQUENCE", "DROP SEQUENCE", "RENAME SEQUENCE", "NEXTVAL and CURRVAL
 * operators"): a sequence is a systables row (tabtype 'Q') plus its syssequences row; `seq.NEXTVAL` /
 * `seq.CURRVAL` become calls of SQLite functions registered on every session connection.
 *
 * Values are not transactional (a rolled-back NEXTVAL is skipped, as in Informix). The counter of each sequence
 * lives in the engine's memory, shared by the sessions of a database, and is written to syssequences.restart_val
 * when the engine closes, so a file database continues where it stopped. CURRVAL is per session.
 *
 * Error codes not pinned against a real server (recorded in docs/sql-subset.md): -8315 CURRVAL before NEXTVAL in
 * the session, -8316 NEXTVAL beyond MAXVALUE/MINVALUE of a NOCYCLE sequence, -8301 bad sequence options.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite"
import { engineError, udfFailure } from "./engineErrors.ts"
import { type ExtensionPlan, ifExistsClause, ok, qualifiedName, registerObject, renameNames } from "./extension.ts"
import { nameTaken } from "./synonyms.ts"
import { quoteString, type Token } from "./tokenizer.ts"
import { isPunct, isWord } from "./tokenScan.ts"
import { type TranslateError, translateError } from "./translate.ts"
import { type IfxType, Types } from "./types.ts"

const maxInt8 = 9223372036854775807n
const minInt8 = -9223372036854775807n

export interface SequenceDef {
  readonly tabid: number
  readonly start: bigint
  readonly increment: bigint
  readonly min: bigint
  readonly max: bigint
  readonly cycle: boolean
  readonly cache: number
  readonly restart: bigint | null
}

interface Counter {
  /** The last value handed out by NEXTVAL (any session); undefined before the first. */
  last: bigint | undefined
}

/** Counters by database location and sequence tabid (shared by the sessions of one database). */
const counters = new Map<string, Map<number, Counter>>()

const counterOf = (location: string, tabid: number): Counter => {
  let byTabid = counters.get(location)
  if (byTabid === undefined) {
    byTabid = new Map()
    counters.set(location, byTabid)
  }
  let c = byTabid.get(tabid)
  if (c === undefined) {
    c = { last: undefined }
    byTabid.set(tabid, c)
  }
  return c
}

/** The definition query, prepared once per connection (NEXTVAL reads it for every row). */
const definitionQueries = new WeakMap<DatabaseSync, StatementSync>()

const readDef = (db: DatabaseSync, name: string): (SequenceDef & { readonly name: string }) | undefined => {
  let stmt = definitionQueries.get(db)
  if (stmt === undefined) {
    stmt = db.prepare(
      "SELECT t.tabname AS name, s.* FROM systables t JOIN syssequences s ON s.tabid = t.tabid " +
        "WHERE lower(t.tabname) = lower(?) AND t.tabtype = 'Q'"
    )
    stmt.setReadBigInts(true)
    definitionQueries.set(db, stmt)
  }
  const row = stmt.get(name) as Record<string, number | bigint | string | null> | undefined
  if (row === undefined) return undefined
  return {
    name: String(row.name),
    tabid: Number(row.tabid),
    start: BigInt(row.start_val!),
    increment: BigInt(row.inc_val!),
    min: BigInt(row.min_val!),
    max: BigInt(row.max_val!),
    cycle: row.cycle === "1",
    cache: Number(row.cache),
    restart: row.restart_val === null ? null : BigInt(row.restart_val)
  }
}

/** The per-session part: CURRVAL values, and the connection the functions read definitions through. */
export class SessionSequences {
  private readonly current = new Map<number, bigint>()
  private readonly db: DatabaseSync
  private readonly location: string

  constructor(db: DatabaseSync, location: string) {
    this.db = db
    this.location = location
    db.function("ifx_nextval", { deterministic: false, useBigIntArguments: true }, (name) => this.nextval(String(name)))
    db.function("ifx_currval", { deterministic: false, useBigIntArguments: true }, (name) => {
      const def = readDef(this.db, String(name))
      const value = def === undefined ? undefined : this.current.get(def.tabid)
      if (value === undefined) throw udfFailure(-8315, String(name))
      return value
    })
  }

  /** The sequence's own spelling if `name` is a sequence of this database. */
  lookup(name: string): string | undefined {
    return readDef(this.db, name)?.name
  }

  private nextval(name: string): bigint {
    const def = readDef(this.db, name)
    if (def === undefined) throw udfFailure(-206, name)
    const counter = counterOf(this.location, def.tabid)
    let next: bigint
    if (counter.last === undefined) next = def.restart ?? def.start
    else {
      next = counter.last + def.increment
      if (next > def.max || next < def.min) {
        if (!def.cycle) throw udfFailure(-8316, name)
        next = def.increment > 0n ? def.min : def.max
      }
    }
    counter.last = next
    this.current.set(def.tabid, next)
    return next
  }
}

export const hasSequenceCounters = (location: string) => (counters.get(location)?.size ?? 0) > 0

export const forgetSequences = (location: string) => {
  counters.delete(location)
}

/** Writes every counter of the database at `location` back to syssequences (engine close). */
export const persistSequences = (db: DatabaseSync, location: string) => {
  const byTabid = counters.get(location)
  if (byTabid === undefined) return
  const update = db.prepare("UPDATE syssequences SET restart_val = ? WHERE tabid = ?")
  for (const [tabid, c] of byTabid) {
    if (c.last === undefined) continue
    const read = db.prepare("SELECT inc_val, min_val, max_val, cycle FROM syssequences WHERE tabid = ?")
    read.setReadBigInts(true)
    const def = read.get(tabid) as {
      inc_val: number | bigint
      min_val: number | bigint
      max_val: number | bigint
      cycle: string
    } | undefined
    if (def === undefined) continue
    let next = c.last + BigInt(def.inc_val)
    if (next > BigInt(def.max_val) || next < BigInt(def.min_val)) {
      next = def.cycle === "1" ? (BigInt(def.inc_val) > 0n ? BigInt(def.min_val) : BigInt(def.max_val)) : next
    }
    update.run(next, tabid)
  }
  counters.delete(location)
}

/** `seq.NEXTVAL` / `seq.CURRVAL` (also `owner.seq.NEXTVAL`) at tokens[i]. */
export const rewriteSequence = (
  tokens: ReadonlyArray<Token>,
  i: number,
  lookup: ((name: string) => string | undefined) | undefined
): { readonly text: string; readonly next: number } | undefined => {
  if (lookup === undefined) return undefined
  const q = operatorAt(tokens, i)
  if (q === undefined) return undefined
  const name = lookup(q.name)
  if (name === undefined) return undefined
  return { text: `ifx_${q.op.toLowerCase()}(${quoteString(name)})`, next: q.next }
}

/** The type of an expression that is exactly a sequence operator: INT8 (IBM: sequences are INT8). */
export const inferSequence = (
  tokens: ReadonlyArray<Token>,
  from: number,
  to: number,
  lookup: ((name: string) => string | undefined) | undefined
): IfxType | undefined => {
  const q = operatorAt(tokens, from)
  return q !== undefined && q.next === to && lookup?.(q.name) !== undefined ? Types.int8 : undefined
}

const operatorAt = (tokens: ReadonlyArray<Token>, i: number) => {
  if (isPunct(tokens[i - 1], ".")) return undefined
  const t = tokens[i]
  if (t?.kind !== "ident" || !isPunct(tokens[i + 1], ".")) return undefined
  let name = t
  let j = i + 2
  if (tokens[j]?.kind === "ident" && isPunct(tokens[j + 1], ".")) {
    name = tokens[j]!
    j += 2
  }
  const op = tokens[j]
  if (!isWord(op, "NEXTVAL") && !isWord(op, "CURRVAL")) return undefined
  return { name: name.text, op: op!.upper, next: j + 1 }
}

interface Options {
  start?: bigint
  increment?: bigint
  min?: bigint | null
  max?: bigint | null
  cycle?: boolean
  cache?: number
  restart?: bigint | null
}

const signedNumber = (tokens: ReadonlyArray<Token>, i: number): { value: bigint; next: number } | undefined => {
  let sign = 1n
  let j = i
  if (tokens[j]?.kind === "op" && (tokens[j]!.text === "-" || tokens[j]!.text === "+")) {
    if (tokens[j]!.text === "-") sign = -1n
    j++
  }
  const n = tokens[j]
  if (n?.kind !== "number" || !/^\d+$/.test(n.text)) return undefined
  return { value: sign * BigInt(n.text), next: j + 1 }
}

const parseOptions = (
  tokens: ReadonlyArray<Token>,
  i: number,
  end: number,
  alter: boolean
): { options: Options } | TranslateError => {
  const options: Options = {}
  while (i < end) {
    const t = tokens[i]!
    const number = (at: number) => signedNumber(tokens, at)
    let n: { value: bigint; next: number } | undefined
    if (isWord(t, "INCREMENT")) {
      n = number(isWord(tokens[i + 1], "BY") ? i + 2 : i + 1)
      if (n === undefined) return translateError(-201, tokens[i + 1]?.offset ?? t.offset)
      options.increment = n.value
    } else if (isWord(t, "START") && !alter) {
      n = number(isWord(tokens[i + 1], "WITH") ? i + 2 : i + 1)
      if (n === undefined) return translateError(-201, tokens[i + 1]?.offset ?? t.offset)
      options.start = n.value
    } else if (isWord(t, "RESTART") && alter) {
      if (isWord(tokens[i + 1], "WITH") || tokens[i + 1]?.kind === "number" || tokens[i + 1]?.kind === "op") {
        n = number(isWord(tokens[i + 1], "WITH") ? i + 2 : i + 1)
        if (n === undefined) return translateError(-201, tokens[i + 1]?.offset ?? t.offset)
        options.restart = n.value
      } else {
        options.restart = null
        i++
        continue
      }
    } else if (isWord(t, "MAXVALUE") || isWord(t, "MINVALUE")) {
      n = number(i + 1)
      if (n === undefined) return translateError(-201, tokens[i + 1]?.offset ?? t.offset)
      if (t.upper === "MAXVALUE") options.max = n.value
      else options.min = n.value
    } else if (isWord(t, "NOMAXVALUE")) options.max = null
    else if (isWord(t, "NOMINVALUE")) options.min = null
    else if (isWord(t, "CYCLE")) options.cycle = true
    else if (isWord(t, "NOCYCLE")) options.cycle = false
    else if (isWord(t, "CACHE")) {
      n = number(i + 1)
      if (n === undefined) return translateError(-201, tokens[i + 1]?.offset ?? t.offset)
      options.cache = Number(n.value)
    } else if (isWord(t, "NOCACHE")) options.cache = 0
    else if (isWord(t, "ORDER") || isWord(t, "NOORDER")) {
      // Accepted: every value is handed out in order here.
    } else return translateError(-201, t.offset)
    i = n?.next ?? i + 1
  }
  return { options }
}

/** Completes options with Informix's defaults (ascending: 1 .. 2^63-1; descending: -(2^63-1) .. -1). */
const complete = (o: Options, base?: SequenceDef): SequenceDef | undefined => {
  const increment = o.increment ?? base?.increment ?? 1n
  const ascending = increment > 0n
  const min = o.min === null ? (ascending ? 1n : minInt8) : o.min ?? base?.min ?? (ascending ? 1n : minInt8)
  const max = o.max === null ? (ascending ? maxInt8 : -1n) : o.max ?? base?.max ?? (ascending ? maxInt8 : -1n)
  const start = o.start ?? base?.start ?? (ascending ? min : max)
  const restart = o.restart === undefined ? base?.restart ?? null : o.restart ?? start
  const def: SequenceDef = {
    tabid: base?.tabid ?? 0,
    start,
    increment,
    min,
    max,
    cycle: o.cycle ?? base?.cycle ?? false,
    cache: o.cache ?? base?.cache ?? 20,
    restart
  }
  if (increment === 0n || min >= max || start < min || start > max) return undefined
  if (restart !== null && (restart < min || restart > max)) return undefined
  return def
}

const writeDef = (db: DatabaseSync, def: SequenceDef) => {
  db.prepare(
    "UPDATE syssequences SET start_val = ?, inc_val = ?, max_val = ?, min_val = ?, cycle = ?, restart_val = ?, " +
      "cache = ? WHERE tabid = ?"
  ).run(
    def.start,
    def.increment,
    def.max,
    def.min,
    def.cycle ? "1" : "0",
    def.restart,
    def.cache,
    def.tabid
  )
}

/** CREATE SEQUENCE / ALTER SEQUENCE / DROP SEQUENCE / RENAME SEQUENCE, or undefined when not one of them. */
export const planSequence = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError | undefined => {
  const verb = tokens[0]!.upper
  if (!isWord(tokens[1], "SEQUENCE")) return undefined
  const { present: ifClause, next: i } = ifExistsClause(tokens, 2)
  const q = qualifiedName(tokens, i)
  if (q === undefined) return translateError(-201, tokens[i]?.offset ?? 0)
  const name = q.name
  switch (verb) {
    case "CREATE": {
      const parsed = parseOptions(tokens, q.next, end, false)
      if ("_tag" in parsed) return parsed
      const def = complete(parsed.options)
      if (def === undefined) return translateError(-8301, name.offset, name.text)
      return {
        kind: "extension",
        statementType: 124,
        writes: "permanent",
        tables: [name.text],
        run: (host) => {
          if (host.table(name.text) !== undefined || nameTaken(host.db, name.text)) {
            return ifClause ? ok : engineError(-310, { parameter: name.text, offset: name.offset })
          }
          host.inStatementSavepoint(() => {
            const tabid = registerObject(host, name.text, "Q")
            host.db.prepare(
              "INSERT INTO syssequences (seqid, tabid, cycle, \"order\") VALUES ((SELECT coalesce(max(seqid), 0) + 1 " +
                "FROM syssequences), ?, '0', '1')"
            ).run(tabid)
            writeDef(host.db, { ...def, tabid })
            // A tabid freed by a rolled-back CREATE may come back: never inherit that sequence's counter.
            counters.get(host.location)?.delete(tabid)
          })
          host.catalogChanged()
          return ok
        }
      }
    }
    case "ALTER": {
      const parsed = parseOptions(tokens, q.next, end, true)
      if ("_tag" in parsed) return parsed
      return {
        kind: "extension",
        statementType: 126,
        writes: "permanent",
        tables: [name.text],
        run: (host) => {
          const base = readDef(host.db, name.text)
          if (base === undefined) {
            return engineError(-206, { isamCode: -111, parameter: name.text, offset: name.offset })
          }
          const def = complete(parsed.options, base)
          if (def === undefined) return engineError(-8301, { parameter: name.text, offset: name.offset })
          host.inStatementSavepoint(() => writeDef(host.db, def))
          // RESTART: the next NEXTVAL hands out the restart value.
          if (parsed.options.restart !== undefined) counterOf(host.location, def.tabid).last = undefined
          return ok
        }
      }
    }
    case "DROP":
      if (q.next < end) return translateError(-201, tokens[q.next]!.offset)
      return {
        kind: "extension",
        statementType: 125,
        writes: "permanent",
        tables: [name.text],
        run: (host) => {
          const def = readDef(host.db, name.text)
          if (def === undefined) {
            return ifClause ? ok : engineError(-206, { isamCode: -111, parameter: name.text, offset: name.offset })
          }
          host.inStatementSavepoint(() => {
            host.db.prepare("DELETE FROM systables WHERE tabid = ?").run(def.tabid)
            host.db.prepare("DELETE FROM syssequences WHERE tabid = ?").run(def.tabid)
          })
          counters.get(host.location)?.delete(def.tabid)
          host.catalogChanged()
          return ok
        }
      }
    default:
      return undefined
  }
}

/** RENAME SEQUENCE old TO new. */
export const planRenameSequence = (
  tokens: ReadonlyArray<Token>,
  end: number
): ExtensionPlan | TranslateError => {
  const names = renameNames(tokens, end)
  if ("_tag" in names) return names
  const { from, to } = names
  return {
    kind: "extension",
    statementType: 127,
    writes: "permanent",
    tables: [from.text, to.text],
    run: (host) => {
      const def = readDef(host.db, from.text)
      if (def === undefined) {
        return engineError(-206, { isamCode: -111, parameter: from.text, offset: from.offset })
      }
      if (host.table(to.text) !== undefined || nameTaken(host.db, to.text)) {
        return engineError(-310, { parameter: to.text, offset: to.offset })
      }
      host.inStatementSavepoint(() =>
        host.db.prepare("UPDATE systables SET tabname = ? WHERE tabid = ?").run(to.text, def.tabid)
      )
      host.catalogChanged()
      return ok
    }
  }
}
