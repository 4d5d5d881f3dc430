/**
 * Synonyms (IBM "CREATE SYNONYM", "DROP SYNONYM"): a systables row with tabtype 'P' (private) or 'S' (public)
 * whose syssyntable row names the base table by `btabid`; syssynonyms gets the (legacy) owner/name row too.
 *
 * A synonym stands for its table wherever a table name goes: the session's table lookup resolves it (so types and
 * privileges are the base table's), and the translator writes the base table in the SQLite text with the synonym as
 * its alias (rewriteSynonym), so `syn.col` keeps working. Only local tables and views; a synonym of a sequence or a
 * remote table (`db@server:t`) is refused (-201).
 */
import type { DatabaseSync } from "node:sqlite"
import { engineError } from "./engineErrors.ts"
import { type ExtensionPlan, ifExistsClause, ok, qualifiedName, registerObject } from "./extension.ts"
import { quoteIdent, type Token } from "./tokenizer.ts"
import { clauseEnd, isPunct, isWord } from "./tokenScan.ts"
import { type TranslateError, translateError } from "./translate.ts"

/** The base table name of synonym `name`, if it is one. */
export const synonymTarget = (db: DatabaseSync, name: string): string | undefined => {
  const row = db.prepare(
    "SELECT b.tabname AS base FROM systables s JOIN syssyntable y ON y.tabid = s.tabid " +
      "JOIN systables b ON b.tabid = y.btabid WHERE lower(s.tabname) = lower(?) AND s.tabtype IN ('P', 'S')"
  ).get(name) as { base: string } | undefined
  return row?.base
}

const tableWords = new Set(["FROM", "JOIN", "INTO", "UPDATE", "OUTER", "TABLE"])
/** Words after a table name that are not its alias. */
const notAlias = new Set([
  ...clauseEnd,
  "ON",
  "JOIN",
  "INNER",
  "LEFT",
  "RIGHT",
  "FULL",
  "CROSS",
  "NATURAL",
  "OUTER",
  "SET",
  "VALUES",
  "USING",
  "SELECT",
  "WHEN"
])

/** A synonym in table position at tokens[i], written as `"base" AS "synonym"` (or `"base"` before an alias). */
export const rewriteSynonym = (
  tokens: ReadonlyArray<Token>,
  i: number,
  target: ((name: string) => string | undefined) | undefined
): { readonly text: string; readonly next: number } | undefined => {
  const t = tokens[i]!
  if (target === undefined || t.kind !== "ident") return undefined
  const before = tokens[i - 1]
  const tablePosition = (before?.kind === "ident" && tableWords.has(before.upper)) ||
    (isPunct(before, ",") && isFromList(tokens, i))
  // `INTO syn (cols)` has a column list; elsewhere `name(` is a call.
  if (!tablePosition || (isPunct(tokens[i + 1], "(") && !isWord(before, "INTO")) || isPunct(tokens[i + 1], ".")) {
    return undefined
  }
  const base = target(t.text)
  if (base === undefined) return undefined
  const after = tokens[i + 1]
  const hasAlias = isWord(after, "AS") ||
    (after?.kind === "ident" && !notAlias.has(after.upper) && !isWord(before, "TABLE"))
  return { text: hasAlias ? quoteIdent(base) : `${quoteIdent(base)} AS ${quoteIdent(t.text)}`, next: i + 1 }
}

/** Whether the comma before tokens[i] separates FROM items (the nearest clause word at this depth is FROM). */
const isFromList = (tokens: ReadonlyArray<Token>, i: number): boolean => {
  let depth = 0
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j]!
    if (isPunct(t, ")")) depth++
    else if (isPunct(t, "(")) {
      if (depth === 0) return false
      depth--
    } else if (depth === 0 && t.kind === "ident" && ["FROM", "SELECT", "WHERE", "SET", "BY"].includes(t.upper)) {
      return t.upper === "FROM"
    }
  }
  return false
}

/** CREATE [PUBLIC | PRIVATE] SYNONYM [IF NOT EXISTS] s FOR t / DROP SYNONYM [IF EXISTS] s. */
export const planSynonym = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError | undefined => {
  let i = 1
  // IBM "CREATE SYNONYM": public unless PRIVATE is said in a database that is not MODE ANSI; in an ANSI database
  // every synonym is private and both keywords are a syntax error (checked when it runs, knowing the database).
  let keyword: "S" | "P" | undefined
  if (tokens[0]!.upper === "CREATE" && (isWord(tokens[1], "PUBLIC") || isWord(tokens[1], "PRIVATE"))) {
    keyword = tokens[1]!.upper === "PUBLIC" ? "S" : "P"
    i++
  }
  if (!isWord(tokens[i], "SYNONYM")) return undefined
  const ifClause = ifExistsClause(tokens, i + 1)
  i = ifClause.next
  const q = qualifiedName(tokens, i)
  if (q === undefined) return translateError(-201, tokens[i]?.offset ?? 0)
  const name = q.name
  if (tokens[0]!.upper === "DROP") {
    if (q.next < end) return translateError(-201, tokens[q.next]!.offset)
    return {
      kind: "extension",
      statementType: 44,
      writes: "permanent",
      tables: [],
      run: (host) => {
        const row = host.db.prepare(
          "SELECT tabid FROM systables WHERE lower(tabname) = lower(?) AND tabtype IN ('P', 'S')"
        ).get(name.text) as { tabid: number | bigint } | undefined
        if (row === undefined) {
          return ifClause.present
            ? ok
            : engineError(-206, { isamCode: -111, parameter: name.text, offset: name.offset })
        }
        host.inStatementSavepoint(() => {
          host.db.prepare("DELETE FROM systables WHERE tabid = ?").run(row.tabid)
          host.db.prepare("DELETE FROM syssyntable WHERE tabid = ?").run(row.tabid)
          host.db.prepare("DELETE FROM syssynonyms WHERE lower(synname) = lower(?)").run(name.text)
        })
        host.catalogChanged()
        return ok
      }
    }
  }
  if (!isWord(tokens[q.next], "FOR")) return translateError(-201, tokens[q.next]?.offset ?? 0)
  const target = qualifiedName(tokens, q.next + 1)
  if (target === undefined) return translateError(-201, tokens[q.next + 1]?.offset ?? 0)
  // db:table, db@server:table (remote synonyms) are outside the subset.
  if (target.next < end) return translateError(-201, tokens[target.next]!.offset)
  return {
    kind: "extension",
    statementType: 43,
    writes: "permanent",
    tables: [],
    run: (host) => {
      if (host.ansi && keyword !== undefined) return engineError(-201, { offset: tokens[1]!.offset })
      const kind = host.ansi ? "P" : keyword ?? "S"
      if (host.table(name.text) !== undefined || nameTaken(host.db, name.text)) {
        return ifClause.present ? ok : engineError(-310, { parameter: name.text, offset: name.offset })
      }
      const base = host.table(target.name.text)
      if (base === undefined || base.temp) {
        return engineError(-206, { isamCode: -111, parameter: target.name.text, offset: target.name.offset })
      }
      host.inStatementSavepoint(() => {
        const tabid = registerObject(host, name.text, kind)
        host.db.prepare(
          "INSERT INTO syssyntable (tabid, servername, dbname, owner, tabname, btabid) VALUES (?, NULL, NULL, NULL, NULL, ?)"
        ).run(tabid, base.tabid)
        host.db.prepare("INSERT INTO syssynonyms (owner, synname, created, tabid) VALUES (?, ?, ?, ?)").run(
          host.user,
          name.text,
          host.today(),
          base.tabid
        )
      })
      host.catalogChanged()
      return ok
    }
  }
}

/** Any systables entry (table, view, sequence, synonym) of that name. */
export const nameTaken = (db: DatabaseSync, name: string): boolean =>
  db.prepare("SELECT 1 FROM systables WHERE lower(tabname) = lower(?)").get(name) !== undefined

/** DROP TABLE / DROP VIEW take the object's synonyms with them. */
export const dropSynonymsOf = (db: DatabaseSync, btabid: number) => {
  const rows = db.prepare("SELECT tabid FROM syssyntable WHERE btabid = ?").all(btabid) as Array<
    { tabid: number | bigint }
  >
  for (const { tabid } of rows) {
    db.prepare("DELETE FROM systables WHERE tabid = ?").run(tabid)
    db.prepare("DELETE FROM syssyntable WHERE tabid = ?").run(tabid)
  }
  db.prepare("DELETE FROM syssynonyms WHERE tabid = ?").run(btabid)
}
