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
 * INSTEAD OF triggers on views: a SQLite INSTEAD OF trigger on the view hands each row (OLD and NEW values) over
 * instead of writing it, and the Informix trigger's actions run for it. SELECT triggers fire when a query that
 * activates them is opened (selectTriggers.ts). Disabled triggers (triggerModes.ts) fire for nothing and have no
 * capture trigger. The text is parsed by triggerParse.ts.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite"
import type { EngineError, ExecResult, Value } from "../api.ts"
import type { TableInfo } from "../catalog.ts"
import { engineError } from "../engineErrors.ts"
import { quoteIdent, type Token, tokenize } from "../tokenizer.ts"
import { fromStorage, isConversionError, type Stored, toStorage } from "../values.ts"
import { deleteTriggers, findTrigger, insertTrigger, readTriggers } from "./catalog.ts"
import type { Interpreter } from "./interpreter.ts"
import type { Block } from "./parse.ts"
import type { RoutineSession } from "./routines.ts"
import { retrievedRowsQuery, selectTriggerTargets } from "./selectTriggers.ts"
import { disabledTriggers, setTriggerState, type TriggerModePlan } from "./triggerModes.ts"
import {
  type ActionGroup,
  type Event,
  eventCode,
  parseTrigger,
  type TriggerDefinition,
  type TriggerPlan
} from "./triggerParse.ts"

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w

/**
 * A row handed over by a capture trigger: for table triggers the rowid and the OLD values (UPDATE / DELETE); for
 * INSTEAD OF triggers (no row exists) the OLD values (UPDATE / DELETE) followed by the NEW ones (INSERT / UPDATE).
 */
interface Captured {
  readonly trigid: number
  readonly rowid: number | bigint | null
  readonly values: ReadonlyArray<Stored>
}

export interface LoadedTrigger {
  readonly trigid: number
  readonly def: TriggerDefinition
  readonly enabled: boolean
}

type Correlation = (qualifier: string, column: string) => { readonly value: Value } | undefined

export class Triggers {
  private readonly byTable = new Map<number, Array<LoadedTrigger>>()
  private readonly captures: Array<Array<Captured>> = []
  /** SELECT triggers are being fired: their own queries and actions fire none (IBM: no cascading Select triggers). */
  private firingSelect = false

  readonly session: RoutineSession
  readonly interpreter: Interpreter
  constructor(session: RoutineSession, interpreter: Interpreter) {
    this.session = session
    this.interpreter = interpreter
    // Every connection that writes a table with triggers runs the capture triggers: the function must exist on each.
    session.db.function("_ifx_capture", { varargs: true, deterministic: false, useBigIntArguments: true }, (
      trigid,
      rowid,
      ...values
    ) => {
      const top = this.captures[this.captures.length - 1]
      top?.push({ trigid: Number(trigid), rowid: rowid as number | bigint | null, values: values as Array<Stored> })
      return null
    })
  }

  invalidate() {
    this.byTable.clear()
  }

  /** The triggers of a table or view, enabled or not. */
  load(tabid: number): Array<LoadedTrigger> {
    let loaded = this.byTable.get(tabid)
    if (loaded !== undefined) return loaded
    loaded = []
    const disabled = disabledTriggers(this.session.db, tabid)
    for (const row of readTriggers(this.session.db, tabid)) {
      const def = parseStored(row.text)
      if (def !== undefined) loaded.push({ trigid: row.trigid, def, enabled: !disabled.has(def.name.toLowerCase()) })
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
        db.exec(`DROP TRIGGER IF EXISTS ${captureName(found.trigid)}`)
      })
      this.invalidate()
      return failed ?? ok
    }
    if (plan.kind === "setTriggers") return this.setModes(plan)
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
        event: eventCode(t),
        old: t.old,
        new: t.new,
        text: t.text
      })
      setTriggerState(db, { name: t.name, owner: this.session.user, tabid: table.tabid }, !t.disabled)
      if (!t.disabled) installCapture(db, trigid, t, table)
    })
    this.invalidate()
    return failed ?? ok
  }

  /** SET TRIGGERS ... ENABLED | DISABLED: the mode in sysobjstate, and the capture trigger made or dropped. */
  private setModes(plan: TriggerModePlan): ExecResult | EngineError {
    const db = this.session.db
    const targets: Array<{ trigid: number; tabid: number }> = []
    if (plan.forTable !== undefined) {
      const table = this.session.table(plan.forTable.name)
      if (table === undefined || table.temp) {
        return engineError(-206, { isamCode: -111, parameter: plan.forTable.name, offset: plan.forTable.offset })
      }
      for (const t of this.load(table.tabid)) targets.push({ trigid: t.trigid, tabid: table.tabid })
    } else {
      for (const n of plan.names) {
        const found = findTrigger(db, n.name)
        if (found === undefined) return engineError(-206, { isamCode: -111, parameter: n.name, offset: n.offset })
        targets.push(found)
      }
    }
    const failed = this.session.write(() => {
      for (const target of targets) {
        const trigger = this.load(target.tabid).find((t) => t.trigid === target.trigid)
        const table = readTableById(db, target.tabid, (name) => this.session.table(name))
        if (trigger === undefined || table === undefined) continue
        setTriggerState(db, { name: trigger.def.name, owner: this.session.user, tabid: target.tabid }, plan.enabled)
        db.exec(`DROP TRIGGER IF EXISTS ${captureName(target.trigid)}`)
        if (plan.enabled) installCapture(db, target.trigid, trigger.def, table)
      }
    })
    this.invalidate()
    return failed ?? { rowsAffected: 0, serial: 0 }
  }

  /**
   * Runs a DML statement (or one step of a MERGE) with the table's triggers for its event around it; `set` is the
   * upper-case names of the columns an UPDATE assigns (UPDATE OF triggers). `run` performs the statement and may
   * throw SQLite errors (the session maps them); the savepoint is rolled back on any failure. On a view with an
   * INSTEAD OF trigger for the event, SQLite's own INSTEAD OF trigger hands each row over instead of changing
   * anything, and the trigger's actions run for those rows (their count is the statement's row count); `merge`: the
   * statement is a MERGE step, which Informix refuses on such a view.
   */
  around(
    verb: "insert" | "update" | "delete",
    table: TableInfo | undefined,
    set: ReadonlySet<string>,
    run: () => ExecResult,
    merge = false
  ): ExecResult | EngineError {
    if (table === undefined || table.temp) return run()
    const event: Event = verb === "insert" ? "I" : verb === "update" ? "U" : "D"
    let triggers = this.load(table.tabid).filter((t) => t.enabled && t.def.event === event)
    if (event === "U") {
      triggers = triggers.filter((t) =>
        t.def.columns === undefined || t.def.columns.some((c) => set.has(c.toUpperCase()))
      )
    }
    if (triggers.length === 0) return run()
    // IBM -26096: a view with INSTEAD OF triggers cannot be the target of MERGE.
    if (merge && triggers.some((t) => t.def.insteadOf)) return engineError(-26096, { parameter: table.name })
    return this.inSavepoint(() => {
      const failedBefore = this.fireAll(triggers, "before")
      if (failedBefore !== undefined) return failedBefore
      this.captures.push([])
      let result: ExecResult
      let captured: Array<Captured> = []
      try {
        result = run()
      } finally {
        captured = this.captures.pop() ?? []
      }
      const insteadOf = triggers.find((t) => t.def.insteadOf)
      if (insteadOf !== undefined) {
        // SQLite counts no change on the view itself: the rows are the ones the trigger ran for (and an ANSI
        // database's "no row found" holds only when there were none).
        const rows = captured.filter((c) => c.trigid === insteadOf.trigid).length
        result = { ...result, rowsAffected: rows, ...(rows > 0 ? { notFound: false } : {}) }
      }
      for (const c of captured) {
        const t = triggers.find((x) => x.trigid === c.trigid)
        if (t === undefined || t.def.row.length === 0) continue
        const failed = this.fireRow(t.def, table, c)
        if (failed !== undefined) return failed
      }
      return this.fireAll(triggers, "after") ?? result
    })
  }

  /**
   * Fires the SELECT triggers of a query about to be opened (selectTriggers.ts decides which tables' triggers a
   * query activates and finds the rows it retrieves): BEFORE, FOR EACH ROW for each row (REFERENCING OLD), AFTER,
   * all before the client fetches, in one savepoint (a failing action fails the query and undoes the others).
   */
  beforeQuery(
    sql: string,
    tokens: ReadonlyArray<Token>,
    params: ReadonlyArray<Value>,
    scroll: boolean
  ): EngineError | undefined {
    // IBM: a scroll cursor's SELECT and a Select trigger's own actions activate no Select trigger.
    if (this.firingSelect || scroll) return undefined
    const activated = selectTriggerTargets(tokens, (name) => {
      const table = this.session.table(name)
      if (table === undefined || table.temp) return undefined
      const triggers = this.load(table.tabid).filter((t) => t.enabled && t.def.event === "S")
      return triggers.length === 0 ? undefined : { table, triggers }
    })
    if (activated.length === 0) return undefined
    // The actions write: inside an open Informix transaction they belong to it (as a DML statement's triggers do).
    const begun = this.session.write(() => undefined)
    if (begun !== undefined) return begun
    this.firingSelect = true
    try {
      const outcome = this.inSavepoint(() => {
        for (const a of activated) {
          const failedBefore = this.fireAll(a.triggers, "before")
          if (failedBefore !== undefined) return failedBefore
          const rowids = this.retrievedRows(retrievedRowsQuery(sql, tokens, a), params)
          if ("_tag" in rowids) return rowids
          for (const rowid of rowids) {
            for (const t of a.triggers) {
              if (t.def.row.length === 0) continue
              const failed = this.fireRow(t.def, a.table, { trigid: t.trigid, rowid, values: [] })
              if (failed !== undefined) return failed
            }
          }
          const failedAfter = this.fireAll(a.triggers, "after")
          if (failedAfter !== undefined) return failedAfter
        }
        return { rowsAffected: 0, serial: 0 }
      })
      return "_tag" in outcome ? outcome : undefined
    } finally {
      this.firingSelect = false
    }
  }

  private retrievedRows(sql: string, params: ReadonlyArray<Value>): Array<number | bigint> | EngineError {
    const prepared = this.session.prepare(sql)
    if ("_tag" in prepared) return prepared
    const cursor = this.session.openCursor(prepared, params)
    if ("_tag" in cursor) return cursor
    const out: Array<number | bigint> = []
    for (;;) {
      const rows = cursor.next(256)
      if ("_tag" in rows) {
        cursor.close()
        return rows
      }
      for (const r of rows) {
        // The rowid column is described as an expression of unknown type (text): read back as a number.
        const rowid = r[r.length - 1]
        if (typeof rowid === "number" || typeof rowid === "bigint") out.push(rowid)
        else if (typeof rowid === "string" && /^-?\d+$/.test(rowid)) out.push(BigInt(rowid))
      }
      if (rows.length < 256) break
    }
    cursor.close()
    return out
  }

  /** Runs `body` in a savepoint: released when it succeeds, rolled back when it returns an error or throws. */
  private inSavepoint(body: () => ExecResult | EngineError): ExecResult | EngineError {
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
      const outcome = body()
      if ("_tag" in outcome) {
        undo()
        return outcome
      }
      settled = true
      db.exec("RELEASE _ifx_trigger")
      this.session.settle()
      return outcome
    } catch (error) {
      undo()
      throw error
    }
  }

  private fireAll(triggers: ReadonlyArray<LoadedTrigger>, stage: "before" | "after"): EngineError | undefined {
    for (const t of triggers) {
      const failed = this.fire(t.def, t.def[stage], () => undefined)
      if (failed !== undefined) return failed
    }
    return undefined
  }

  /** The FOR EACH ROW actions of one trigger for one captured row. */
  private fireRow(def: TriggerDefinition, table: TableInfo, c: Captured): EngineError | undefined {
    const n = table.columns.length
    const values = (from: number) => table.columns.map((col, k) => fromStorage(c.values[from + k] ?? null, col.type))
    const hasOld = def.event === "U" || def.event === "D" || def.event === "S"
    let oldRow: Array<Value> | undefined
    let newRow: Array<Value> | undefined
    if (def.insteadOf) {
      oldRow = hasOld ? values(0) : undefined
      newRow = def.event === "I" ? values(0) : def.event === "U" ? values(n) : undefined
    } else {
      const current = c.rowid === null
        ? undefined
        : this.readRow(table, c.rowid)?.map((v, k) => fromStorage(v, table.columns[k]!.type))
      oldRow = def.event === "S" ? current : hasOld ? values(0) : undefined
      newRow = def.event === "I" || def.event === "U" ? current : undefined
    }
    const correlation: Correlation = (qualifier, column) => {
      const lower = qualifier.toLowerCase()
      const row = def.old !== undefined && lower === def.old.toLowerCase()
        ? oldRow
        : def.new !== undefined && lower === def.new.toLowerCase()
        ? newRow
        : undefined
      if (row === undefined) return undefined
      const k = table.columns.findIndex((col) => col.name.toLowerCase() === column.toLowerCase())
      return k < 0 ? undefined : { value: row[k] ?? null }
    }
    for (const g of def.row) {
      if (g.when !== undefined) {
        const holds = this.interpreter.condition(def.text, def.tokens, g.when, correlation)
        if (typeof holds !== "boolean") return holds
        if (!holds) continue
      }
      for (const action of g.body) {
        const failed = action.k === "sql" && action.into.length > 0 && c.rowid !== null
          ? this.executeInto(def, table, c.rowid, action, correlation)
          : this.interpreter.runActions(def.text, def.tokens, [action], correlation)
        if (failed !== undefined) return failed
      }
    }
    return undefined
  }

  /**
   * `EXECUTE PROCEDURE p(...) INTO col, ...` in FOR EACH ROW: the routine's values become the new row's columns
   * (IBM: triggered action INTO clause). The row is updated in place, with no capture frame of its own, so the
   * write fires no triggers.
   */
  private executeInto(
    def: TriggerDefinition,
    table: TableInfo,
    rowid: number | bigint,
    action: Extract<Block[number], { k: "sql" }>,
    correlation: Correlation
  ): EngineError | undefined {
    const columns = action.into.map((name) => table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase()))
    const missing = columns.findIndex((c) => c === undefined)
    if (missing >= 0) return engineError(-217, { parameter: action.into[missing]! })
    const values = this.interpreter.callInto(def.text, def.tokens, action.parts, correlation)
    if ("_tag" in values) return values
    // IBM -685 "Function (%s) returns too few values." when INTO names more columns than the routine returns.
    if (values.length < columns.length) return engineError(-685, { parameter: def.name })
    const stored: Array<Stored> = []
    for (let k = 0; k < columns.length; k++) {
      const s = values[k] === null ? null : toStorage(values[k]!, columns[k]!.type)
      if (isConversionError(s)) return engineError(s.sqlcode)
      stored.push(s)
    }
    this.captures.push([])
    try {
      this.session.db.prepare(
        `UPDATE ${quoteIdent(table.name)} SET ${columns.map((c) => `${quoteIdent(c!.name)} = ?`).join(", ")} ` +
          "WHERE rowid = ?"
      ).run(...(stored as Array<SQLInputValue>), rowid)
    } finally {
      this.captures.pop()
    }
    return undefined
  }

  private readRow(table: TableInfo, rowid: number | bigint): Array<Stored> | undefined {
    const stmt = this.session.db.prepare(
      `SELECT ${table.columns.map((c) => quoteIdent(c.name)).join(", ")} FROM ${quoteIdent(table.name)} WHERE rowid = ?`
    )
    stmt.setReadBigInts(true)
    stmt.setReturnArrays(true)
    return stmt.get(rowid) as Array<Stored> | undefined
  }

  private fire(
    def: TriggerDefinition,
    groups: ReadonlyArray<ActionGroup>,
    correlation: Correlation
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

const captureName = (trigid: number) => quoteIdent(`_ifx_trigger_${trigid}`)

/**
 * The SQLite trigger that hands the rows of an Informix trigger's event to the session (`_ifx_capture`): AFTER the
 * event on a table (the rowid and the OLD values), INSTEAD OF the event on a view (OLD then NEW values). SELECT
 * triggers need none (the engine finds the rows a query retrieves itself).
 */
const installCapture = (db: DatabaseSync, trigid: number, def: TriggerDefinition, table: TableInfo) => {
  if (def.event === "S") return
  const all = (prefix: string) => table.columns.map((c) => `, ${prefix}.${quoteIdent(c.name)}`).join("")
  const olds = def.event === "I" ? "" : all("OLD")
  const event = def.event === "I"
    ? "INSERT"
    : def.event === "D"
    ? "DELETE"
    : `UPDATE${def.columns === undefined ? "" : ` OF ${def.columns.map(quoteIdent).join(", ")}`}`
  if (def.insteadOf) {
    const news = def.event === "D" ? "" : all("NEW")
    db.exec(
      `CREATE TRIGGER ${captureName(trigid)} INSTEAD OF ${event} ON ${quoteIdent(table.name)} ` +
        `FOR EACH ROW BEGIN SELECT _ifx_capture(${trigid}, NULL${olds}${news}); END`
    )
    return
  }
  db.exec(
    `CREATE TRIGGER ${captureName(trigid)} AFTER ${event} ON ${quoteIdent(table.name)} ` +
      `FOR EACH ROW ${def.row.length === 0 ? "WHEN 0 " : ""}BEGIN SELECT _ifx_capture(${trigid}, ${
        def.event === "D" ? "NULL" : "NEW.rowid"
      }${olds}); END`
  )
}

const parseStored = (text: string): TriggerDefinition | undefined => {
  const tokens = tokenize(text)
  if (!Array.isArray(tokens)) return undefined
  const start = tokens.findIndex((t) => isWord(t, "TRIGGER")) + 1
  const def = parseTrigger(text, tokens, start)
  return "_tag" in def ? undefined : def
}

const readTableById = (
  db: DatabaseSync,
  tabid: number,
  table: (name: string) => TableInfo | undefined
): TableInfo | undefined => {
  const row = db.prepare("SELECT tabname FROM systables WHERE tabid = ?").get(tabid) as
    | { tabname: string }
    | undefined
  return row === undefined ? undefined : table(row.tabname)
}
