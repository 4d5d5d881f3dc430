/**
 * Table DDL beyond CREATE/DROP/ALTER ADD (IBM "RENAME TABLE", "RENAME COLUMN", "RENAME INDEX", "TRUNCATE",
 * "ALTER TABLE", "ALTER INDEX"): the SQLite schema and the Informix catalog (systables, syscolumns, sysindexes)
 * change together, inside one savepoint.
 *
 * ALTER TABLE DROP / MODIFY / ADD CONSTRAINT / DROP CONSTRAINT (and ADD with constraints) rebuild the SQLite table
 * (SQLite's ALTER TABLE cannot change a column or a constraint): copy the rows aside, drop the table, create the
 * new definition under the same name, copy the rows back (a MODIFY converts them with ifx_cast; a row that breaks
 * a new constraint fails the statement with Informix's error) and re-create its indexes and triggers. Views,
 * triggers and the REFERENCES of other tables name the table, so they follow the new one.
 */
import type { DatabaseSync } from "node:sqlite"
import type { EngineError } from "./api.ts"
import { type ColumnInfo, registerUniques, type TableInfo, type UniqueDef } from "./catalog.ts"
import { identList, parseColumn, provisional } from "./ddlPlanner.ts"
import { engineError } from "./engineErrors.ts"
import { type ExtensionHost, type ExtensionPlan, ok, qualifiedName, renameNames } from "./extension.ts"
import { registerConstraints } from "./metadataCatalog.ts"
import type { ColumnDef } from "./planner.ts"
import { checkAccess } from "./privileges.ts"
import { nameTaken } from "./synonyms.ts"
import { quoteIdent, type Token, tokenize } from "./tokenizer.ts"
import { findClose, isPunct, isWord } from "./tokenScan.ts"
import { Emitter, isTranslateError, type TranslateContext, type TranslateError, translateError } from "./translate.ts"
import { isSerial } from "./types.ts"

const schemaOf = (t: TableInfo) => (t.temp ? "temp." : "")
const masterOf = (t: TableInfo) => (t.temp ? "temp.sqlite_master" : "sqlite_master")

const tableError = (token: Token): EngineError =>
  engineError(-206, { isamCode: -111, parameter: token.text, offset: token.offset })

/** TRUNCATE [TABLE] [ONLY] t [REUSE STORAGE | DROP STORAGE] [KEEP STATISTICS] */
export const planTruncate = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError => {
  let i = 1
  if (isWord(tokens[i], "TABLE")) i++
  if (isWord(tokens[i], "ONLY")) i++
  const q = qualifiedName(tokens, i)
  if (q === undefined) return translateError(-201, tokens[i]?.offset ?? 0)
  let j = q.next
  if ((isWord(tokens[j], "REUSE") || isWord(tokens[j], "DROP")) && isWord(tokens[j + 1], "STORAGE")) j += 2
  if (isWord(tokens[j], "KEEP") && isWord(tokens[j + 1], "STATISTICS")) j += 2
  if (j < end) return translateError(-201, tokens[j]!.offset)
  return {
    kind: "extension",
    statementType: 122,
    writes: "permanent",
    tables: [q.name.text],
    run: (host) => {
      const table = host.table(q.name.text)
      if (table === undefined) return tableError(q.name)
      const denied = checkAccess(host.db, host.user, host.role, [{ table, access: "d" }])
      if (denied !== undefined) return denied
      const result = host.run(`DELETE FROM ${schemaOf(table)}${quoteIdent(table.name)}`, [])
      host.setRowCount(result.changes)
      return ok
    }
  }
}

/** RENAME TABLE / RENAME COLUMN / RENAME INDEX (RENAME SEQUENCE is sequences.ts's). */
export const planRename = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError | undefined => {
  const what = tokens[1]
  if (isWord(what, "TABLE")) {
    const names = renameNames(tokens, end)
    if ("_tag" in names) return names
    const { from, to } = names
    return {
      kind: "extension",
      statementType: 20,
      writes: "permanent",
      tables: [from.text, to.text],
      run: (host) => {
        const table = host.table(from.text)
        // A synonym is renamed by nobody: RENAME TABLE names the table itself.
        if (table === undefined || table.name.toLowerCase() !== from.text.toLowerCase()) return tableError(from)
        if (host.table(to.text) !== undefined || nameTaken(host.db, to.text)) {
          return engineError(-310, { parameter: to.text, offset: to.offset })
        }
        host.inStatementSavepoint(() => {
          host.db.exec(`ALTER TABLE ${schemaOf(table)}${quoteIdent(table.name)} RENAME TO ${quoteIdent(to.text)}`)
          if (!table.temp) {
            host.db.prepare("UPDATE systables SET tabname = ? WHERE tabid = ?").run(to.text, table.tabid)
          }
        })
        if (table.temp) {
          host.setTemp(table.name, undefined)
          host.setTemp(to.text, { ...table, name: to.text })
        }
        host.catalogChanged()
        return ok
      }
    }
  }
  if (isWord(what, "COLUMN")) {
    // RENAME COLUMN t.old TO new
    const t = tokens[2]
    const c = tokens[4]
    const to = tokens[6]
    if (
      t?.kind !== "ident" || !isPunct(tokens[3], ".") || c?.kind !== "ident" || !isWord(tokens[5], "TO") ||
      to?.kind !== "ident" || end > 7
    ) return translateError(-201, tokens[Math.min(end, 7)]?.offset ?? what!.offset)
    return {
      kind: "extension",
      statementType: 21,
      writes: "permanent",
      tables: [t.text],
      run: (host) => {
        const table = host.table(t.text)
        if (table === undefined) return tableError(t)
        const column = table.columns.find((x) => x.name.toLowerCase() === c.text.toLowerCase())
        if (column === undefined) return engineError(-217, { parameter: c.text, offset: c.offset })
        if (table.columns.some((x) => x.name.toLowerCase() === to.text.toLowerCase())) {
          return engineError(-328, { parameter: to.text, offset: to.offset })
        }
        const renamed = (n: string) => (n.toLowerCase() === column.name.toLowerCase() ? to.text : n)
        host.inStatementSavepoint(() => {
          host.db.exec(
            `ALTER TABLE ${schemaOf(table)}${quoteIdent(table.name)} RENAME COLUMN ${quoteIdent(column.name)} TO ${
              quoteIdent(to.text)
            }`
          )
          if (!table.temp) {
            host.db.prepare("UPDATE syscolumns SET colname = ? WHERE tabid = ? AND colno = ?").run(
              to.text,
              table.tabid,
              column.colno
            )
            host.db.prepare("DELETE FROM _ifx_unique WHERE tabid = ?").run(table.tabid)
            registerUniques(
              host.db,
              table.tabid,
              table.uniques.map((u) => ({ name: u.name, kind: u.kind, columns: u.columns.map(renamed) }))
            )
          }
        })
        if (table.temp) {
          host.setTemp(table.name, {
            ...table,
            columns: table.columns.map((x) =>
              x === column ? { name: to.text, colno: x.colno, type: x.type, notNull: x.notNull } : x
            ),
            uniques: table.uniques.map((u) => ({ name: u.name, kind: u.kind, columns: u.columns.map(renamed) }))
          })
        }
        host.catalogChanged()
        return ok
      }
    }
  }
  if (isWord(what, "INDEX")) {
    const names = renameNames(tokens, end)
    if ("_tag" in names) return names
    const { from, to } = names
    return {
      kind: "extension",
      statementType: 116,
      writes: "permanent",
      tables: [],
      run: (host) => {
        const row = host.db.prepare(
          "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND lower(name) = lower(?) AND sql IS NOT NULL"
        ).get(from.text) as { name: string; sql: string; tbl_name: string } | undefined
        if (row === undefined) {
          return engineError(-319, { parameter: from.text, offset: from.offset })
        }
        if (indexExists(host.db, to.text)) return engineError(-316, { parameter: to.text, offset: to.offset })
        host.inStatementSavepoint(() => {
          host.db.exec(`DROP INDEX ${quoteIdent(row.name)}`)
          host.db.exec(row.sql.replace(quoteIdent(row.name), quoteIdent(to.text)))
          host.db.prepare("UPDATE sysindexes SET idxname = ? WHERE lower(idxname) = lower(?)").run(to.text, row.name)
          host.db.prepare("UPDATE _ifx_unique SET name = ? WHERE lower(name) = lower(?) AND kind = 'index'").run(
            to.text,
            row.name
          )
        })
        host.catalogChanged()
        return ok
      }
    }
  }
  return undefined
}

const indexExists = (db: DatabaseSync, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND lower(name) = lower(?)").get(name) !== undefined

/** ALTER INDEX i TO [NOT] CLUSTER: clustering means nothing to SQLite; the index must exist. */
export const planAlterIndex = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError => {
  const q = qualifiedName(tokens, 2)
  if (q === undefined) return translateError(-201, tokens[2]?.offset ?? 0)
  let j = q.next
  if (isWord(tokens[j], "TO")) j++
  if (isWord(tokens[j], "NOT")) j++
  if (!isWord(tokens[j], "CLUSTER") || j + 1 < end) return translateError(-201, tokens[j]?.offset ?? 0)
  return {
    kind: "extension",
    statementType: 47,
    writes: "permanent",
    tables: [],
    run: (host) =>
      indexExists(host.db, q.name.text) ? ok : engineError(-319, { parameter: q.name.text, offset: q.name.offset })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ALTER TABLE rebuilds
// ---------------------------------------------------------------------------------------------------------------

type Action =
  | {
    readonly kind: "add"
    readonly columns: ReadonlyArray<ColumnDef>
    readonly segments: ReadonlyArray<string>
    readonly uniques: ReadonlyArray<UniqueDef>
  }
  | { readonly kind: "drop"; readonly names: ReadonlyArray<Token> }
  | {
    readonly kind: "modify"
    readonly columns: ReadonlyArray<ColumnDef>
    readonly segments: ReadonlyArray<string>
    readonly uniques: ReadonlyArray<UniqueDef>
    readonly at: ReadonlyArray<Token>
  }
  | {
    readonly kind: "addConstraint"
    readonly segments: ReadonlyArray<string>
    readonly uniques: ReadonlyArray<UniqueDef>
  }
  | { readonly kind: "dropConstraint"; readonly names: ReadonlyArray<Token> }

/**
 * ALTER TABLE t action [, action ...] where an action is ADD (columns with constraints), DROP (columns),
 * MODIFY (columns), ADD CONSTRAINT (...), DROP CONSTRAINT (...), LOCK MODE (...) / other storage clauses (ignored).
 * Returns undefined for the plain `ADD column` forms statement.ts handles without a rebuild.
 */
export const planAlterTable = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): ExtensionPlan | TranslateError | undefined => {
  const nameToken = tokens[2]
  if (nameToken?.kind !== "ident") return translateError(-201, nameToken?.offset ?? 0)
  const table = ctx.table(nameToken.text)
  if (table === undefined) return translateError(-206, nameToken.offset, nameToken.text, -111)
  const actions: Array<Action> = []
  let i = 3
  let extra = table.columns.length
  const counter = { n: 200 }
  let simpleAdd = true
  while (i < end) {
    const t = tokens[i]!
    if (isWord(t, "ADD") && isWord(tokens[i + 1], "CONSTRAINT")) {
      simpleAdd = false
      const parsed = constraintList(tokens, i + 2, end, table, sql, ctx, counter)
      if (isTranslateError(parsed)) return parsed
      actions.push({ kind: "addConstraint", segments: parsed.segments, uniques: parsed.uniques })
      i = parsed.next
    } else if (isWord(t, "DROP") && isWord(tokens[i + 1], "CONSTRAINT")) {
      simpleAdd = false
      const parsed = nameList(tokens, i + 2, end)
      if (isTranslateError(parsed)) return parsed
      actions.push({ kind: "dropConstraint", names: parsed.names })
      i = parsed.next
    } else if (isWord(t, "DROP")) {
      simpleAdd = false
      const parsed = nameList(tokens, i + 1, end)
      if (isTranslateError(parsed)) return parsed
      for (const n of parsed.names) {
        if (!table.columns.some((c) => c.name.toLowerCase() === n.text.toLowerCase())) {
          return translateError(-217, n.offset, n.text)
        }
      }
      actions.push({ kind: "drop", names: parsed.names })
      i = parsed.next
    } else if (isWord(t, "ADD") || isWord(t, "MODIFY")) {
      const modify = t.upper === "MODIFY"
      const parenthesised = isPunct(tokens[i + 1], "(")
      const stop = parenthesised ? findClose(tokens, i + 1) : nextAction(tokens, i + 1, end)
      let j = parenthesised ? i + 2 : i + 1
      const columns: Array<ColumnDef> = []
      const segments: Array<string> = []
      const uniques: Array<UniqueDef> = []
      const at: Array<Token> = []
      while (j < stop) {
        const existing = table.columns.find((c) => c.name.toLowerCase() === tokens[j]!.text.toLowerCase())
        if (modify && existing === undefined) return translateError(-217, tokens[j]!.offset, tokens[j]!.text)
        if (!modify && existing !== undefined) return translateError(-328, tokens[j]!.offset, tokens[j]!.text)
        const colno = existing?.colno ?? ++extra
        const parsed = parseColumn(tokens, j, colno, table.name, ctx, sql, counter)
        if (isTranslateError(parsed)) return parsed
        // A SERIAL needs its counter trigger (CREATE TABLE only): refused in ALTER TABLE.
        if (isSerial(parsed.column.type)) return translateError(-201, tokens[j]!.offset)
        if (parsed.constraints.length > 0 || modify) simpleAdd = false
        at.push(tokens[j]!)
        columns.push(parsed.column)
        segments.push(...parsed.constraints)
        uniques.push(...parsed.uniques)
        j = parsed.next
        // Informix's ADD ... BEFORE column: the position is not kept here (columns are added at the end).
        if (isWord(tokens[j], "BEFORE") && tokens[j + 1]?.kind === "ident") j += 2
        if (isPunct(tokens[j], ",") && parenthesised) j++
        else if (j !== stop) return translateError(-201, tokens[j]!.offset)
      }
      actions.push(
        modify ? { kind: "modify", columns, segments, uniques, at } : { kind: "add", columns, segments, uniques }
      )
      i = parenthesised ? stop + 1 : stop
    } else if (isWord(t, "LOCK") && isWord(tokens[i + 1], "MODE")) {
      // LOCK MODE (ROW | PAGE | TABLE): storage, ignored.
      simpleAdd = false
      i = isPunct(tokens[i + 2], "(") ? findClose(tokens, i + 2) + 1 : i + 3
    } else return translateError(-201, t.offset)
    if (isPunct(tokens[i], ",")) i++
    else if (i < end) return translateError(-201, tokens[i]!.offset)
  }
  if (actions.length === 0 && simpleAdd) return translateError(-201, tokens[3]?.offset ?? 0)
  if (simpleAdd) return undefined
  return {
    kind: "extension",
    statementType: 29,
    writes: table.temp ? "temp" : "permanent",
    tables: table.temp ? [] : [table.name],
    run: (host) => rebuild(host, table, actions)
  }
}

const nextAction = (tokens: ReadonlyArray<Token>, from: number, end: number) => {
  let depth = 0
  for (let i = from; i < end; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (
      depth === 0 && isPunct(t, ",") &&
      ["ADD", "DROP", "MODIFY", "LOCK"].includes(tokens[i + 1]?.upper ?? "")
    ) return i
  }
  return end
}

const nameList = (
  tokens: ReadonlyArray<Token>,
  i: number,
  end: number
): { names: Array<Token>; next: number } | TranslateError => {
  if (isPunct(tokens[i], "(")) {
    const close = findClose(tokens, i)
    const names = tokens.slice(i + 1, close).filter((t) => t.kind === "ident")
    if (names.length === 0) return translateError(-201, tokens[i]!.offset)
    return { names, next: close + 1 }
  }
  const t = tokens[i]
  if (t?.kind !== "ident" || i >= end) return translateError(-201, t?.offset ?? 0)
  return { names: [t], next: i + 1 }
}

/** ADD CONSTRAINT (constraint [, ...]) or ADD CONSTRAINT constraint: PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY. */
const constraintList = (
  tokens: ReadonlyArray<Token>,
  i: number,
  end: number,
  table: TableInfo,
  sql: string,
  ctx: TranslateContext,
  counter: { n: number }
): { segments: Array<string>; uniques: Array<UniqueDef>; next: number } | TranslateError => {
  const segments: Array<string> = []
  const uniques: Array<UniqueDef> = []
  const parenthesised = isPunct(tokens[i], "(") && !isWord(tokens[i + 1], "SELECT")
  const stop = parenthesised ? findClose(tokens, i) : nextAction(tokens, i, end)
  let j = parenthesised ? i + 1 : i
  while (j < stop) {
    let name: string | undefined
    if (isWord(tokens[j], "CONSTRAINT")) {
      name = tokens[j + 1]?.text
      j += 2
    } else if (
      tokens[j]?.kind === "ident" && !["PRIMARY", "UNIQUE", "DISTINCT", "CHECK", "FOREIGN"].includes(tokens[j]!.upper)
    ) {
      // ANSI order: ADD CONSTRAINT name PRIMARY KEY (...)
      name = tokens[j]!.text
      j++
    }
    const k = tokens[j]!
    let body: string
    if (isWord(k, "PRIMARY") || isWord(k, "UNIQUE") || isWord(k, "DISTINCT")) {
      const pk = isWord(k, "PRIMARY")
      const cols = identList(tokens, pk ? j + 2 : j + 1)
      if (isTranslateError(cols)) return cols
      j = cols.next
      for (const c of cols.names) {
        if (!table.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
          return translateError(-217, k.offset, c)
        }
      }
      if (isWord(tokens[j], "CONSTRAINT")) {
        name = tokens[j + 1]?.text
        j += 2
      }
      name ??= `u${table.tabid}_${++counter.n}`
      uniques.push({ name, kind: "constraint", columns: cols.names })
      body = `${pk ? "PRIMARY KEY" : "UNIQUE"} (${cols.names.map(quoteIdent).join(", ")})`
    } else if (isWord(k, "CHECK") && isPunct(tokens[j + 1], "(")) {
      const close = findClose(tokens, j + 1)
      const scope = { tables: [{ alias: table.name, table: provisional(table.name, table.columns) }] }
      const e = new Emitter(tokens, sql, ctx, scope).emit(j + 2, close)
      if (isTranslateError(e)) return e
      j = close + 1
      if (isWord(tokens[j], "CONSTRAINT")) {
        name = tokens[j + 1]?.text
        j += 2
      }
      name ??= `c${table.tabid}_${++counter.n}`
      body = `CHECK (${e})`
    } else if (isWord(k, "FOREIGN") && isWord(tokens[j + 1], "KEY")) {
      const cols = identList(tokens, j + 2)
      if (isTranslateError(cols)) return cols
      j = cols.next
      if (!isWord(tokens[j], "REFERENCES") || tokens[j + 1]?.kind !== "ident") {
        return translateError(-201, tokens[j]!.offset)
      }
      const ref = tokens[j + 1]!
      if (ctx.table(ref.text) === undefined) return translateError(-206, ref.offset, ref.text, -111)
      j += 2
      let refCols = ""
      if (isPunct(tokens[j], "(")) {
        const r = identList(tokens, j)
        if (isTranslateError(r)) return r
        refCols = ` (${r.names.map(quoteIdent).join(", ")})`
        j = r.next
      }
      if (isWord(tokens[j], "ON") && isWord(tokens[j + 1], "DELETE") && isWord(tokens[j + 2], "CASCADE")) {
        refCols += " ON DELETE CASCADE"
        j += 3
      }
      if (isWord(tokens[j], "CONSTRAINT")) {
        name = tokens[j + 1]?.text
        j += 2
      }
      name ??= `r${table.tabid}_${++counter.n}`
      body = `FOREIGN KEY (${cols.names.map(quoteIdent).join(", ")}) REFERENCES ${quoteIdent(ref.text)}${refCols}`
    } else return translateError(-201, k.offset)
    segments.push(`CONSTRAINT ${quoteIdent(name)} ${body}`)
    if (isPunct(tokens[j], ",") && parenthesised) j++
    else if (j !== stop) return translateError(-201, tokens[j]!.offset)
  }
  return { segments, uniques, next: parenthesised ? stop + 1 : stop }
}

/** The column definitions and constraints of a CREATE TABLE text, split at its top-level commas. */
const splitDefinition = (createSql: string): { segments: Array<string> } => {
  const tokens = tokenize(createSql)
  if (!Array.isArray(tokens)) return { segments: [] }
  const open = tokens.findIndex((t) => t.kind === "punct" && t.text === "(")
  const close = findClose(tokens, open)
  const segments: Array<string> = []
  let start = tokens[open]!.end
  let depth = 0
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && isPunct(t, ",")) {
      segments.push(createSql.slice(start, t.offset).trim())
      start = t.end
    }
  }
  segments.push(createSql.slice(start, tokens[close]!.offset).trim())
  return { segments }
}

/** The column a segment defines ("name" type ...), or undefined for a table constraint. */
const segmentColumn = (segment: string): string | undefined => {
  const m = /^"((?:[^"]|"")*)"/.exec(segment)
  return m === null ? undefined : m[1]!.replace(/""/g, "\"").toLowerCase()
}

const segmentConstraint = (segment: string): string | undefined => {
  const m = /^CONSTRAINT\s+"((?:[^"]|"")*)"/i.exec(segment)
  return m === null ? undefined : m[1]!.replace(/""/g, "\"").toLowerCase()
}

/** Removes `CONSTRAINT "name" CHECK (...)` from a column segment. */
const withoutColumnCheck = (segment: string, name: string): string => {
  const marker = `CONSTRAINT ${quoteIdent(name)} CHECK`
  const at = segment.toLowerCase().indexOf(marker.toLowerCase())
  if (at < 0) return segment
  const tokens = tokenize(segment.slice(at + marker.length))
  if (!Array.isArray(tokens)) return segment
  const close = findClose(tokens, 0)
  return (segment.slice(0, at) + segment.slice(at + marker.length + tokens[close]!.end)).replace(/\s+/g, " ").trim()
}

const mentions = (segment: string, column: string) => segment.toLowerCase().includes(quoteIdent(column).toLowerCase())

const rebuild = (host: ExtensionHost, table: TableInfo, actions: ReadonlyArray<Action>): EngineError | typeof ok => {
  const master = masterOf(table)
  const row = host.db.prepare(`SELECT sql FROM ${master} WHERE type = 'table' AND name = ?`).get(table.name) as
    | { sql: string }
    | undefined
  if (row === undefined) return engineError(-206, { isamCode: -111, parameter: table.name })
  const { segments: original } = splitDefinition(row.sql)
  // sqlite_master keeps a temp table's text as CREATE TABLE: the head is written anew.
  const head = `CREATE ${table.temp ? "TEMP " : ""}TABLE ${quoteIdent(table.name)} `
  let segments = [...original]
  let columns: Array<ColumnInfo> = [...table.columns]
  let uniques: Array<UniqueDef> = [...table.uniques]
  /** New column name → SELECT expression over the old table (undefined: new column, default applies). */
  const sources = new Map<string, string>(table.columns.map((c) => [c.name.toLowerCase(), quoteIdent(c.name)]))
  const droppedColumns: Array<string> = []
  for (const action of actions) {
    switch (action.kind) {
      case "add":
        for (const c of action.columns) {
          columns.push({ name: c.name, colno: columns.length + 1, type: c.type, notNull: c.notNull })
        }
        segments.push(...action.columns.map((c) => `${quoteIdent(c.name)} ${c.sqlite}`), ...action.segments)
        uniques.push(...action.uniques)
        break
      case "modify":
        action.columns.forEach((c) => {
          const lower = c.name.toLowerCase()
          const old = columns.find((x) => x.name.toLowerCase() === lower)!
          segments = segments.map((s) => (segmentColumn(s) === lower ? `${quoteIdent(old.name)} ${c.sqlite}` : s))
          columns = columns.map((x) => (x === old ? { ...x, type: c.type, notNull: c.notNull } : x))
          const source = sources.get(lower)
          if (source !== undefined && (old.type.code !== c.type.code || old.type.length !== c.type.length)) {
            sources.set(
              lower,
              `ifx_cast(${source}, ${old.type.code}, ${old.type.length}, ${c.type.code}, ${c.type.length}, ${c.type.xid})`
            )
          }
        })
        segments.push(...action.segments)
        uniques.push(...action.uniques)
        break
      case "drop":
        for (const n of action.names) {
          const lower = n.text.toLowerCase()
          droppedColumns.push(lower)
          // Informix drops the constraints that name the column with it.
          segments = segments.filter((s) =>
            segmentColumn(s) !== lower && !(segmentColumn(s) === undefined && mentions(s, n.text))
          )
          uniques = uniques.filter((u) => !u.columns.some((c) => c.toLowerCase() === lower))
          columns = columns.filter((c) => c.name.toLowerCase() !== lower)
          sources.delete(lower)
        }
        if (columns.length === 0) return engineError(-201, { parameter: table.name })
        columns = columns.map((c, i) => ({ ...c, colno: i + 1 }))
        break
      case "addConstraint":
        segments.push(...action.segments)
        uniques.push(...action.uniques)
        break
      case "dropConstraint":
        for (const n of action.names) {
          const lower = n.text.toLowerCase()
          const before = segments.join("\u0000")
          segments = segments.filter((s) => segmentConstraint(s) !== lower).map((s) =>
            segmentColumn(s) === undefined ? s : withoutColumnCheck(s, n.text)
          )
          uniques = uniques.filter((u) => !(u.kind === "constraint" && u.name.toLowerCase() === lower))
          // IBM -623: "Unable to find CONSTRAINT (%s)."
          if (segments.join("\u0000") === before) return engineError(-623, { parameter: n.text, offset: n.offset })
        }
        break
    }
  }
  const triggersAndIndexes = host.db.prepare(
    `SELECT type, name, sql FROM ${master} WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL`
  ).all(table.name) as Array<{ type: string; name: string; sql: string }>
  const kept = triggersAndIndexes.filter((o) => !droppedColumns.some((c) => o.type === "index" && mentions(o.sql, c)))
  const droppedIndexes = triggersAndIndexes.filter((o) => !kept.includes(o)).map((o) => o.name)
  const schema = schemaOf(table)
  const copy = `_ifx_rebuild_${Math.abs(table.tabid)}`
  const copied = columns.filter((c) => sources.has(c.name.toLowerCase()))
  host.inStatementSavepoint(() => {
    // The rows wait in a temp copy while the table is dropped and created anew under its own name, so that the
    // REFERENCES of other tables, views and triggers keep naming it. Foreign keys are checked at the end of the
    // transaction meanwhile: dropping a parent orphans its children until the same keys are inserted again.
    host.db.exec(
      `CREATE TEMP TABLE ${quoteIdent(copy)} AS SELECT rowid AS _ifx_rowid, * FROM ${schema}${quoteIdent(table.name)}`
    )
    host.db.exec("PRAGMA defer_foreign_keys = ON")
    try {
      host.db.exec(`DROP TABLE ${schema}${quoteIdent(table.name)}`)
      // SQLite wants the column definitions before the table constraints.
      const ordered = [
        ...segments.filter((x) => segmentColumn(x) !== undefined),
        ...segments.filter((x) => segmentColumn(x) === undefined)
      ]
      host.db.exec(`${head}(${ordered.join(", ")})`)
      host.db.exec(
        `INSERT INTO ${schema}${quoteIdent(table.name)} (rowid, ${copied.map((c) => quoteIdent(c.name)).join(", ")}) ` +
          `SELECT _ifx_rowid, ${copied.map((c) => sources.get(c.name.toLowerCase())!).join(", ")} FROM temp.${
            quoteIdent(copy)
          }`
      )
      for (const o of kept) host.db.exec(o.sql)
    } finally {
      host.db.exec(`DROP TABLE IF EXISTS temp.${quoteIdent(copy)}`)
      host.db.exec("PRAGMA defer_foreign_keys = OFF")
    }
    if (!table.temp) {
      host.db.prepare("DELETE FROM syscolumns WHERE tabid = ?").run(table.tabid)
      const insert = host.db.prepare(
        "INSERT INTO syscolumns (colname, tabid, colno, coltype, collength, colmin, colmax, extended_id) " +
          "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)"
      )
      for (const c of columns) {
        const length = c.type.length > 32767 ? c.type.length - 65536 : c.type.length
        insert.run(c.name, table.tabid, c.colno, c.type.code | (c.notNull ? 0x100 : 0), length, c.type.xid)
      }
      host.db.prepare("UPDATE systables SET ncols = ? WHERE tabid = ?").run(columns.length, table.tabid)
      for (const name of droppedIndexes) {
        host.db.prepare("DELETE FROM sysindexes WHERE lower(idxname) = lower(?)").run(name)
        host.db.prepare("UPDATE systables SET nindexes = nindexes - 1 WHERE tabid = ?").run(table.tabid)
      }
      host.db.prepare("DELETE FROM _ifx_unique WHERE tabid = ?").run(table.tabid)
      registerUniques(host.db, table.tabid, uniques)
      reregisterConstraints(host, { ...table, columns, uniques })
    }
  })
  if (table.temp) host.setTemp(table.name, { ...table, columns, uniques })
  host.catalogChanged()
  return ok
}

/**
 * sysconstraints / sysreferences / sysdefaults and the constraint indexes of a rebuilt table, read back from SQLite
 * again (metadataCatalog.ts); the references of other tables to its keys follow the new constraint ids.
 */
const reregisterConstraints = (host: ExtensionHost, table: TableInfo) => {
  const db = host.db
  const keysOf = () => (db.prepare(
    "SELECT c.constrid AS id, c.constrtype AS type, " +
      Array.from({ length: 16 }, (_, i) => `i.part${i + 1}`).join(" || ',' || ") +
      " AS parts FROM sysconstraints c JOIN sysindexes i ON i.idxname = c.idxname WHERE c.tabid = ? AND c.constrtype IN ('P', 'U')"
  ).all(table.tabid) as Array<{ id: number | bigint; type: string; parts: string }>)
  const before = keysOf()
  const owned = db.prepare("SELECT constrid FROM sysconstraints WHERE tabid = ?").all(table.tabid) as Array<
    { constrid: number | bigint }
  >
  for (const { constrid } of owned) db.prepare("DELETE FROM sysreferences WHERE constrid = ?").run(constrid)
  db.prepare(
    "DELETE FROM sysindexes WHERE tabid = ? AND idxname IN (SELECT idxname FROM sysconstraints WHERE tabid = ?)"
  )
    .run(table.tabid, table.tabid)
  db.prepare("DELETE FROM sysconstraints WHERE tabid = ?").run(table.tabid)
  db.prepare("DELETE FROM sysdefaults WHERE tabid = ?").run(table.tabid)
  const owner = (db.prepare("SELECT owner FROM systables WHERE tabid = ?").get(table.tabid) as { owner: string })
    .owner.trim()
  registerConstraints(db, table, owner)
  const after = keysOf()
  for (const old of before) {
    const now = after.find((k) => k.type === old.type && k.parts === old.parts)
    db.prepare("UPDATE sysreferences SET \"primary\" = ? WHERE \"primary\" = ? AND ptabid = ?").run(
      now?.id ?? 0,
      old.id,
      table.tabid
    )
  }
  db.prepare("UPDATE systables SET nindexes = (SELECT count(*) FROM sysindexes WHERE tabid = ?) WHERE tabid = ?").run(
    table.tabid,
    table.tabid
  )
}
