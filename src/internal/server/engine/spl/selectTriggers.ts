/**
 * Which tables' SELECT triggers a query activates, and the query that finds the rows it retrieves (IBM "Select
 * triggers", "Circumstances When a Select Trigger Is (Not) Activated").
 *
 * A stand-alone SELECT activates the enabled Select triggers of each table of its top-level FROM list whose
 * projection names one of the trigger's columns (any column of the table for a trigger without a column list;
 * `*` and `t.*` name them all). It activates none when it has a set operator (UNION, INTERSECT, EXCEPT, MINUS),
 * DISTINCT / UNIQUE, an aggregate or window function in the projection, or GROUP BY; tables inside subqueries and
 * derived tables activate nothing (IBM's example `SELECT a.* FROM (SELECT * FROM t) AS a` activates no trigger on
 * t). The caller leaves out scroll cursors, INSERT ... SELECT (not a query) and the queries of Select triggers' own
 * actions (no cascading Select triggers).
 */
import type { TableInfo } from "../catalog.ts"
import type { Token } from "../tokenizer.ts"
import type { LoadedTrigger } from "./triggers.ts"

export interface Activated {
  readonly table: TableInfo
  /** The name the query knows the table by (its alias, else its name). */
  readonly qualifier: string
  readonly triggers: ReadonlyArray<LoadedTrigger>
  /** Index of the top-level FROM keyword. */
  readonly from: number
}

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w
const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p

const setOperators = new Set(["UNION", "INTERSECT", "EXCEPT", "MINUS"])
const aggregates = new Set(["COUNT", "SUM", "AVG", "MIN", "MAX", "STDEV", "VARIANCE", "RANGE"])
/** Words that end the FROM list. */
const fromEnd = new Set(["WHERE", "GROUP", "HAVING", "ORDER", "UNION", "INTERSECT", "EXCEPT", "MINUS", "INTO", "FOR"])
/** Words of a join inside the FROM list (what follows them is a table). */
const joinWords = new Set(["JOIN", "OUTER"])
const notAlias = new Set([
  "INNER",
  "LEFT",
  "RIGHT",
  "FULL",
  "CROSS",
  "OUTER",
  "JOIN",
  "ON",
  "NATURAL",
  "LIMIT",
  "SKIP",
  "FIRST",
  ...fromEnd
])

/**
 * The tables whose Select triggers `tokens` activate. `lookup` gives a table's enabled Select triggers (undefined
 * for a table without any).
 */
export const selectTriggerTargets = (
  tokens: ReadonlyArray<Token>,
  lookup: (name: string) => { readonly table: TableInfo; readonly triggers: ReadonlyArray<LoadedTrigger> } | undefined
): Array<Activated> => {
  if (!isWord(tokens[0], "SELECT")) return []
  let i = 1
  // SKIP n, FIRST n, LIMIT n before the projection.
  while (isWord(tokens[i], "SKIP") || isWord(tokens[i], "FIRST") || isWord(tokens[i], "LIMIT")) i += 2
  if (isWord(tokens[i], "DISTINCT") || isWord(tokens[i], "UNIQUE")) return []
  if (isWord(tokens[i], "ALL")) i++
  const projectionStart = i
  let depth = 0
  let from = -1
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && t.kind === "ident") {
      if (setOperators.has(t.upper) || (t.upper === "GROUP" && isWord(tokens[j + 1], "BY"))) return []
      if (t.upper === "FROM" && from < 0) from = j
    }
    if (
      from < 0 && t.kind === "ident" && isPunct(tokens[j + 1], "(") && (aggregates.has(t.upper) || t.upper === "OVER")
    ) {
      return []
    }
  }
  if (from < 0) return []
  const tables = fromTables(tokens, from)
  const out: Array<Activated> = []
  for (const ref of tables) {
    const found = lookup(ref.name)
    if (found === undefined) continue
    const named = projectedColumns(tokens, projectionStart, from, ref.qualifier, found.table)
    const triggers = found.triggers.filter((t) =>
      named === "all"
        ? true
        : t.def.columns === undefined
        ? named.size > 0
        : t.def.columns.some((c) => named.has(c.toLowerCase()))
    )
    if (triggers.length > 0) out.push({ table: found.table, qualifier: ref.qualifier, triggers, from })
  }
  return out
}

/** The tables of the top-level FROM list, with the name the query uses for each. */
const fromTables = (tokens: ReadonlyArray<Token>, from: number): Array<{ name: string; qualifier: string }> => {
  const out: Array<{ name: string; qualifier: string }> = []
  let depth = 0
  let expectTable = true
  for (let j = from + 1; j < tokens.length; j++) {
    const t = tokens[j]!
    if (t.kind === "end" || isPunct(t, ";")) break
    if (isPunct(t, "(")) {
      depth++
      expectTable = false
      continue
    }
    if (isPunct(t, ")")) {
      depth--
      continue
    }
    if (depth > 0) continue
    if (t.kind === "ident" && fromEnd.has(t.upper)) break
    if (isPunct(t, ",") || (t.kind === "ident" && joinWords.has(t.upper))) {
      expectTable = true
      continue
    }
    if (!expectTable || t.kind !== "ident") continue
    // owner.table, db:table and the like: the last name is the table.
    let k = j
    while ((isPunct(tokens[k + 1], ".") || isPunct(tokens[k + 1], ":")) && tokens[k + 2]?.kind === "ident") k += 2
    const name = tokens.slice(j, k + 1).map((x) => x.text).join("")
    let alias = tokens[k]!.text
    let next = k + 1
    if (isWord(tokens[next], "AS")) next++
    const a = tokens[next]
    if (a?.kind === "ident" && !notAlias.has(a.upper)) alias = a.text
    out.push({ name, qualifier: alias })
    expectTable = false
    j = k
  }
  return out
}

/** Lower-case columns of `table` the projection names (`all` for `*` or `qualifier.*`). */
const projectedColumns = (
  tokens: ReadonlyArray<Token>,
  start: number,
  end: number,
  qualifier: string,
  table: TableInfo
): Set<string> | "all" => {
  const columns = new Set(table.columns.map((c) => c.name.toLowerCase()))
  const named = new Set<string>()
  let depth = 0
  for (let j = start; j < end; j++) {
    const t = tokens[j]!
    if (isPunct(t, "(")) {
      // A subquery in the projection reads its own tables.
      if (isWord(tokens[j + 1], "SELECT")) {
        let d = 0
        for (; j < end; j++) {
          if (isPunct(tokens[j], "(")) d++
          else if (isPunct(tokens[j], ")") && --d === 0) break
        }
        continue
      }
      depth++
      continue
    }
    if (isPunct(t, ")")) {
      depth--
      continue
    }
    if (t.kind === "op" && t.text === "*" && !isPunct(tokens[j - 1], ".")) {
      const prev = tokens[j - 1]
      if (j === start || isPunct(prev, ",")) return "all"
      continue
    }
    if (t.kind !== "ident" || isPunct(tokens[j - 1], ".") || isPunct(tokens[j + 1], "(")) continue
    if (isPunct(tokens[j + 1], ".")) {
      if (t.text.toLowerCase() !== qualifier.toLowerCase()) continue
      const c = tokens[j + 2]
      if (c?.kind === "op" && c.text === "*") return "all"
      if (c?.kind === "ident" && columns.has(c.text.toLowerCase())) named.add(c.text.toLowerCase())
      continue
    }
    // An unqualified name of one of the table's columns (with several tables the engine refuses it if ambiguous).
    if (columns.has(t.text.toLowerCase())) named.add(t.text.toLowerCase())
  }
  return named
}

/** The query with the activating table's rowid added to its projection (the rows it retrieves, in its order). */
export const retrievedRowsQuery = (sql: string, tokens: ReadonlyArray<Token>, a: Activated): string => {
  const from = tokens[a.from]!
  return `${sql.slice(0, from.offset)}, ${a.qualifier}.rowid ${sql.slice(from.offset)}`
}
