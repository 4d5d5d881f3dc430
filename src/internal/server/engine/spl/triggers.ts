/**
 * Informix triggers (CREATE/DROP TRIGGER, `systriggers`), fired by the engine around the triggering statement
 * rather than as SQLite triggers: their actions are Informix SQL and EXECUTE PROCEDURE calls, which only the
 * engine and the SPL interpreter can run.
 *
 * Around an INSERT, UPDATE or DELETE of a table with triggers for that event the engine opens a savepoint, runs the
 * BEFORE actions, the statement, then for each changed row the FOR EACH ROW actions (with REFERENCING OLD/NEW
 * values and the WHEN condition), then the AFTER actions; any failure (RAISE EXCEPTION in a procedure included)
 * rolls the statement and its actions back, as in Informix. The changed rows are learnt from a small SQLite
 * trigger per Informix trigger that hands the row (rowid, old values) to the session (`_ifx_capture`): FOR EACH
 * ROW actions run after the statement has changed all rows, not between rows (Informix forbids actions that
 * touch the triggering table, so they cannot see the difference except through the order of their side effects).
 *
 * MERGE fires them too, around each of its steps (merge.ts, `ExtensionHost.withTriggers`).
 *
 * SELECT triggers and INSTEAD OF triggers are refused (-201).
 */
import type { EngineError, ExecResult, Value } from "../api.ts"
import type { TableInfo } from "../catalog.ts"
import { engineError } from "../engineErrors.ts"
import { matchParen, quoteIdent, type Token, tokenize } from "../tokenizer.ts"
import { fromStorage, type Stored } from "../values.ts"
import { deleteTriggers, findTrigger, insertTrigger, readTriggers } from "./catalog.ts"
import type { Interpreter } from "./interpreter.ts"
import type { Block, Range } from "./parse.ts"
import type { RoutineSession } from "./routines.ts"

type Event = "I" | "U" | "D"

interface ActionGroup {
  readonly when: Range | undefined
  readonly body: Block
}

export interface TriggerDefinition {
  readonly name: string
  readonly tableName: string
  readonly event: Event
  readonly columns: ReadonlyArray<string> | undefined
  readonly old: string | undefined
  readonly new: string | undefined
  readonly before: ReadonlyArray<ActionGroup>
  readonly row: ReadonlyArray<ActionGroup>
  readonly after: ReadonlyArray<ActionGroup>
  readonly text: string
  readonly tokens: ReadonlyArray<Token>
}

export type TriggerPlan =
  | { readonly kind: "createTrigger"; readonly trigger: TriggerDefinition; readonly table: TableInfo }
  | { readonly kind: "dropTrigger"; readonly name: string; readonly offset: number }

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w
const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p

/** Parses the trigger text; `start` is the index after TRIGGER. Errors are -201 at the offending token. */
export const parseTrigger = (
  sql: string,
  tokens: ReadonlyArray<Token>,
  start: number
): TriggerDefinition | EngineError => {
  const bad = (i: number) => engineError(-201, { offset: tokens[i]?.offset ?? sql.length })
  let i = start
  const name = tokens[i]
  if (name?.kind !== "ident") return bad(i)
  i++
  const eventWord = tokens[i]?.upper
  const event: Event | undefined = eventWord === "INSERT" ? "I" : eventWord === "UPDATE" ? "U" : eventWord === "DELETE"
    ? "D"
    : undefined
  // SELECT and INSTEAD OF triggers are not supported.
  if (event === undefined) return bad(i)
  i++
  let columns: Array<string> | undefined
  if (event === "U" && isWord(tokens[i], "OF")) {
    columns = []
    i++
    for (;;) {
      if (tokens[i]?.kind !== "ident") return bad(i)
      columns.push(tokens[i]!.text)
      i++
      if (!isPunct(tokens[i], ",")) break
      i++
    }
  }
  if (!isWord(tokens[i], "ON")) return bad(i)
  i++
  const table = tokens[i]
  if (table?.kind !== "ident") return bad(i)
  i++
  let oldName: string | undefined
  let newName: string | undefined
  if (isWord(tokens[i], "REFERENCING")) {
    i++
    while (isWord(tokens[i], "OLD") || isWord(tokens[i], "NEW")) {
      const which = tokens[i]!.upper
      i++
      if (isWord(tokens[i], "AS")) i++
      if (tokens[i]?.kind !== "ident") return bad(i)
      if (which === "OLD") oldName = tokens[i]!.text
      else newName = tokens[i]!.text
      i++
    }
    // IBM: INSERT has no OLD row and DELETE no NEW row.
    if ((event === "I" && oldName !== undefined) || (event === "D" && newName !== undefined)) return bad(i - 1)
  }
  const before: Array<ActionGroup> = []
  const row: Array<ActionGroup> = []
  const after: Array<ActionGroup> = []
  let target: Array<ActionGroup> | undefined
  const order = [before, row, after]
  let stage = -1
  while (tokens[i] !== undefined && tokens[i]!.kind !== "end" && !isPunct(tokens[i], ";")) {
    const t = tokens[i]!
    let next: Array<ActionGroup> | undefined
    if (isWord(t, "BEFORE")) {
      next = before
      i++
    } else if (isWord(t, "FOR") && isWord(tokens[i + 1], "EACH") && isWord(tokens[i + 2], "ROW")) {
      next = row
      i += 3
    } else if (isWord(t, "AFTER")) {
      next = after
      i++
    } else if (isWord(t, "ENABLED") || isWord(t, "DISABLED")) {
      if (isWord(t, "DISABLED")) return bad(i)
      i++
      continue
    }
    if (next !== undefined) {
      const nextStage = order.indexOf(next)
      if (nextStage <= stage) return bad(i - 1)
      stage = nextStage
      target = next
    }
    if (target === undefined) return bad(i)
    let when: Range | undefined
    if (isWord(tokens[i], "WHEN")) {
      if (!isPunct(tokens[i + 1], "(")) return bad(i + 1)
      const close = matchParen(tokens, i + 1)
      if (close < 0) return bad(i + 1)
      when = { from: i + 2, to: close }
      i = close + 1
    }
    if (!isPunct(tokens[i], "(")) return bad(i)
    const close = matchParen(tokens, i)
    if (close < 0) return bad(i)
    const body: Array<Block[number]> = []
    let from = i + 1
    let depth = 0
    for (let j = i + 1; j <= close; j++) {
      const x = tokens[j]!
      if (j < close && isPunct(x, "(")) depth++
      else if (j < close && isPunct(x, ")")) depth--
      else if (j === close || (depth === 0 && isPunct(x, ","))) {
        if (j === from) return bad(j)
        const first = tokens[from]!
        const verb = first.upper
        if (!["INSERT", "UPDATE", "DELETE", "EXECUTE"].includes(verb)) return bad(from)
        // EXECUTE PROCEDURE ... INTO columns (setting the new row's values) is not supported.
        for (let k = from; k < j; k++) if (verb === "EXECUTE" && isWord(tokens[k], "INTO")) return bad(k)
        body.push({ k: "sql", parts: [{ from, to: j }], into: [] })
        from = j + 1
      }
    }
    target.push({ when, body })
    i = close + 1
  }
  if (before.length + row.length + after.length === 0) return bad(i)
  return {
    name: name.text,
    tableName: table.text,
    event,
    columns,
    old: oldName,
    new: newName,
    before,
    row,
    after,
    text: sql,
    tokens
  }
}

export const planCreateTrigger = (
  sql: string,
  tokens: ReadonlyArray<Token>,
  start: number,
  session: RoutineSession
): TriggerPlan | EngineError => {
  const parsed = parseTrigger(sql, tokens, start)
  if ("_tag" in parsed) return parsed
  const tableIndex = tokens.findIndex((t) => t.kind === "ident" && t.text === parsed.tableName)
  const table = session.table(parsed.tableName)
  if (table === undefined || table.temp) {
    return engineError(-206, { isamCode: -111, parameter: parsed.tableName, offset: tokens[tableIndex]?.offset ?? 0 })
  }
  for (const c of parsed.columns ?? []) {
    if (!table.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
      return engineError(-217, { parameter: c, offset: tokens.find((t) => t.text === c)?.offset ?? 0 })
    }
  }
  return { kind: "createTrigger", trigger: parsed, table }
}

export const planDropTrigger = (tokens: ReadonlyArray<Token>): TriggerPlan | EngineError => {
  const name = tokens[2]
  if (name?.kind !== "ident") return engineError(-201, { offset: name?.offset ?? 0 })
  const after = tokens[3]
  if (after !== undefined && after.kind !== "end" && !isPunct(after, ";")) {
    return engineError(-201, { offset: after.offset })
  }
  return { kind: "dropTrigger", name: name.text, offset: name.offset }
}

interface Captured {
  readonly trigid: number
  readonly rowid: number | bigint | null
  readonly old: ReadonlyArray<Stored>
}

interface LoadedTrigger {
  readonly trigid: number
  readonly def: TriggerDefinition
}

/** SET columns of an UPDATE statement, upper-case (for UPDATE OF triggers). */
export const updatedColumns = (tokens: ReadonlyArray<Token>): Set<string> => {
  const out = new Set<string>()
  const set = tokens.findIndex((t) => isWord(t, "SET"))
  if (set < 0) return out
  let depth = 0
  for (let i = set + 1; i < tokens.length; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    if (depth === 0 && (isWord(t, "WHERE") || t.kind === "end")) break
    if (t.kind === "ident" && (depth === 0 || (depth === 1 && isPunct(tokens[set + 1], "(")))) {
      const next = tokens[i + 1]
      if ((next?.kind === "op" && next.text === "=") || isPunct(next, ",") || isPunct(next, ")")) {
        if (isPunct(tokens[i - 1], ",") || isPunct(tokens[i - 1], "(") || i === set + 1) out.add(t.upper)
      }
    }
  }
  return out
}

export class Triggers {
  private readonly byTable = new Map<number, Array<LoadedTrigger>>()
  private readonly captures: Array<Array<Captured>> = []

  readonly session: RoutineSession
  readonly interpreter: Interpreter
  constructor(session: RoutineSession, interpreter: Interpreter) {
    this.session = session
    this.interpreter = interpreter
    // Every connection that writes a table with triggers runs the capture triggers: the function must exist on each.
    session.db.function("_ifx_capture", { varargs: true, deterministic: false, useBigIntArguments: true }, (
      trigid,
      rowid,
      ...old
    ) => {
      const top = this.captures[this.captures.length - 1]
      top?.push({ trigid: Number(trigid), rowid: rowid as number | bigint | null, old: old as Array<Stored> })
      return null
    })
  }

  invalidate() {
    this.byTable.clear()
  }

  private load(tabid: number): Array<LoadedTrigger> {
    let loaded = this.byTable.get(tabid)
    if (loaded !== undefined) return loaded
    loaded = []
    for (const row of readTriggers(this.session.db, tabid)) {
      const tokens = tokenize(row.text)
      if (!Array.isArray(tokens)) continue
      const start = tokens.findIndex((t) => isWord(t, "TRIGGER")) + 1
      const def = parseTrigger(row.text, tokens, start)
      if (!("_tag" in def)) loaded.push({ trigid: row.trigid, def })
    }
    this.byTable.set(tabid, loaded)
    return loaded
  }

  execute(plan: TriggerPlan): ExecResult | EngineError {
    const ok: ExecResult = { rowsAffected: 0, serial: 0 }
    const db = this.session.db
    if (plan.kind === "dropTrigger") {
      const found = findTrigger(db, plan.name)
      // An unknown trigger: the general code for a missing object (Informix's own code not pinned).
      if (found === undefined) return engineError(-206, { isamCode: -111, parameter: plan.name, offset: plan.offset })
      const failed = this.session.write(() => {
        deleteTriggers(db, "trigid", found.trigid)
        db.exec(`DROP TRIGGER IF EXISTS ${quoteIdent(`_ifx_trigger_${found.trigid}`)}`)
      })
      this.invalidate()
      return failed ?? ok
    }
    const t = plan.trigger
    if (findTrigger(db, t.name) !== undefined) {
      // A trigger of that name exists: reported like other duplicate objects (-310); Informix's code not pinned.
      return engineError(-310, { parameter: t.name })
    }
    const table = plan.table
    const failed = this.session.write(() => {
      const trigid = insertTrigger(db, {
        name: t.name,
        owner: this.session.user,
        tabid: table.tabid,
        event: t.event,
        old: t.old,
        new: t.new,
        text: t.text
      })
      const olds = t.event === "I" ? "" : table.columns.map((c) => `, OLD.${quoteIdent(c.name)}`).join("")
      const event = t.event === "I"
        ? "INSERT"
        : t.event === "D"
        ? "DELETE"
        : `UPDATE${t.columns === undefined ? "" : ` OF ${t.columns.map(quoteIdent).join(", ")}`}`
      db.exec(
        `CREATE TRIGGER ${quoteIdent(`_ifx_trigger_${trigid}`)} AFTER ${event} ON ${quoteIdent(table.name)} ` +
          `FOR EACH ROW ${t.row.length === 0 ? "WHEN 0 " : ""}BEGIN SELECT _ifx_capture(${trigid}, ${
            t.event === "D" ? "NULL" : "NEW.rowid"
          }${olds}); END`
      )
    })
    this.invalidate()
    return failed ?? ok
  }

  /**
   * Runs a DML statement (or one step of a MERGE) with the table's triggers for its event around it; `set` is the
   * upper-case names of the columns an UPDATE assigns (UPDATE OF triggers). `run` performs the statement and may
   * throw SQLite errors (the session maps them); the savepoint is rolled back on any failure.
   */
  around(
    verb: "insert" | "update" | "delete",
    table: TableInfo | undefined,
    set: ReadonlySet<string>,
    run: () => ExecResult
  ): ExecResult | EngineError {
    if (table === undefined || table.temp) return run()
    const event: Event = verb === "insert" ? "I" : verb === "update" ? "U" : "D"
    let triggers = this.load(table.tabid).filter((t) => t.def.event === event)
    if (event === "U") {
      triggers = triggers.filter((t) =>
        t.def.columns === undefined || t.def.columns.some((c) => set.has(c.toUpperCase()))
      )
    }
    if (triggers.length === 0) return run()
    const db = this.session.db
    db.exec("SAVEPOINT _ifx_trigger")
    let settled = false
    const undo = () => {
      if (settled) return
      settled = true
      db.exec("ROLLBACK TO _ifx_trigger")
      db.exec("RELEASE _ifx_trigger")
      this.session.settle()
    }
    try {
      for (const t of triggers) {
        const failed = this.fire(t.def, t.def.before, () => undefined)
        if (failed !== undefined) {
          undo()
          return failed
        }
      }
      this.captures.push([])
      let result: ExecResult
      let captured: Array<Captured> = []
      try {
        result = run()
      } finally {
        captured = this.captures.pop() ?? []
      }
      for (const c of captured) {
        const t = triggers.find((x) => x.trigid === c.trigid)
        if (t === undefined || t.def.row.length === 0) continue
        const oldRow = t.def.event === "I"
          ? undefined
          : table.columns.map((col, n) => fromStorage(c.old[n] ?? null, col.type))
        const newRow = c.rowid === null ? undefined : this.readRow(table, c.rowid)
        const failed = this.fire(t.def, t.def.row, (qualifier, column) => {
          const lower = qualifier.toLowerCase()
          const values = t.def.old !== undefined && lower === t.def.old.toLowerCase()
            ? oldRow
            : t.def.new !== undefined && lower === t.def.new.toLowerCase()
            ? newRow
            : undefined
          if (values === undefined) return undefined
          const n = table.columns.findIndex((col) => col.name.toLowerCase() === column.toLowerCase())
          return n < 0 ? undefined : { value: values[n] ?? null }
        })
        if (failed !== undefined) {
          undo()
          return failed
        }
      }
      for (const t of triggers) {
        const failed = this.fire(t.def, t.def.after, () => undefined)
        if (failed !== undefined) {
          undo()
          return failed
        }
      }
      settled = true
      db.exec("RELEASE _ifx_trigger")
      this.session.settle()
      return result
    } catch (error) {
      undo()
      throw error
    }
  }

  private readRow(table: TableInfo, rowid: number | bigint): Array<Value> | undefined {
    const stmt = this.session.db.prepare(
      `SELECT ${table.columns.map((c) => quoteIdent(c.name)).join(", ")} FROM ${quoteIdent(table.name)} WHERE rowid = ?`
    )
    stmt.setReadBigInts(true)
    stmt.setReturnArrays(true)
    const row = stmt.get(rowid) as Array<Stored> | undefined
    return row?.map((v, n) => fromStorage(v, table.columns[n]!.type))
  }

  private fire(
    def: TriggerDefinition,
    groups: ReadonlyArray<ActionGroup>,
    correlation: (qualifier: string, column: string) => { readonly value: Value } | undefined
  ): EngineError | undefined {
    for (const g of groups) {
      if (g.when !== undefined) {
        const holds = this.interpreter.condition(def.text, def.tokens, g.when, correlation)
        if (typeof holds !== "boolean") return holds
        if (!holds) continue
      }
      const failed = this.interpreter.runActions(def.text, def.tokens, g.body, correlation)
      if (failed !== undefined) return failed
    }
    return undefined
  }
}
