/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (engineSession.ts) */
/**
 * Executing DDL plans in an engine session: CREATE / DROP TABLE, VIEW and INDEX, ALTER TABLE ADD, SELECT ... INTO
 * TEMP, the catalog rows they register, the SQLite column declarations, and the triggers that fill serial columns.
 */
import type { SQLInputValue } from "node:sqlite"
import { TypeCode } from "../../values/typeCodes.ts"
import type { EngineError, ExecResult } from "./api.ts"
import {
  addColumns,
  nextTabid,
  registerIndex,
  registerTable,
  registerUniques,
  type TableInfo,
  unregisterTable
} from "./catalog.ts"
import { engineError, type ErrorContext } from "./engineErrors.ts"
import type { Session } from "./engineSession.ts"
import { registerConstraints } from "./metadataCatalog.ts"
import type { ColumnDef, Plan } from "./planner.ts"
import type { PreparedStatement } from "./prepared.ts"
import { dropGrants, grantDefaults } from "./privileges.ts"
import { dropSynonymsOf, nameTaken } from "./synonyms.ts"
import { quoteIdent } from "./tokenizer.ts"
import { family, type IfxType, isSerial } from "./types.ts"

let tempIds = 0

const declarationOf = (t: IfxType) => {
  const f = family(t)
  return f === "int" || f === "bigint" || f === "date" || f === "interval"
    ? "INT"
    : f === "float"
    ? "REAL"
    : f === "decimal"
    ? ""
    : f === "char"
    ? "TEXT COLLATE RTRIM"
    : f === "bytes"
    ? "BLOB"
    : "TEXT"
}

export function selectIntoTemp(
  this: Session,
  prepared: PreparedStatement,
  name: string,
  values: Array<SQLInputValue>
): ExecResult | EngineError {
  const p = prepared.plan as Extract<Plan, { kind: "select" }>
  const permanent = p.intoPermanent === true
  if (this.table(name) !== undefined || (permanent && nameTaken(this.db, name))) {
    return engineError(-310, { parameter: name })
  }
  const seen = new Set<string>()
  const columns = prepared.columns.map((c, i) => {
    let colName = /^\(.*\)$/.test(c.name) || c.name === "" ? `expr${i + 1}` : c.name
    while (seen.has(colName.toLowerCase())) colName = `${colName}_${i + 1}`
    seen.add(colName.toLowerCase())
    return { name: colName, colno: i + 1, type: prepared.columnTypes[i]!, notNull: false }
  })
  const tempTable: TableInfo = {
    name,
    tabid: permanent ? nextTabid(this.db) : -(++tempIds),
    temp: !permanent,
    columns,
    uniques: []
  }
  const result = this.inStatementSavepoint(() => {
    this.db.exec(
      `CREATE ${permanent ? "" : "TEMP "}TABLE ${quoteIdent(name)} (${
        columns.map((c) => `${quoteIdent(c.name)} ${declarationOf(c.type)}`).join(", ")
      })`
    )
    if (permanent) {
      // CREATE TABLE ... AS SELECT: a permanent table, catalogued like any other.
      registerTable(this.db, tempTable, this.user, this.database, this.today())
      grantDefaults(this.db, tempTable.tabid, this.user, this.config.ansi)
    }
    return this.db.prepare(`INSERT INTO ${permanent ? "" : "temp."}${quoteIdent(name)} SELECT * FROM (${p.sql})`)
      .run(...values)
  })
  if (permanent) this.permanent.clear()
  else this.temps.set(name.toLowerCase(), tempTable)
  this.lastRows = Number(result.changes)
  return { rowsAffected: Number(result.changes), serial: 0 }
}

export function ddl(this: Session, p: Plan, ctx: ErrorContext): ExecResult | EngineError {
  const ok: ExecResult = { rowsAffected: 0, serial: 0 }
  switch (p.kind) {
    case "createTable": {
      // Sequences and synonyms share the table namespace (their systables rows).
      if (this.table(p.name) !== undefined || (!p.temp && nameTaken(this.db, p.name))) {
        return p.ifNotExists ? ok : engineError(-310, { parameter: p.name, offset: p.nameOffset })
      }
      const tabid = p.temp ? -(++tempIds) : nextTabid(this.db)
      const table: TableInfo = {
        name: p.name,
        tabid,
        temp: p.temp,
        columns: p.columns.map(({ colno, name, notNull, type }) => ({ colno, name, notNull, type })),
        uniques: p.uniques
      }
      this.inStatementSavepoint(() => {
        const body = [...p.columns.map((c) => `${quoteIdent(c.name)} ${c.sqlite}`), ...p.constraints].join(", ")
        this.db.exec(`CREATE ${p.temp ? "TEMP " : ""}TABLE ${quoteIdent(p.name)} (${body})`)
        this.createSerialTriggers(table, p.columns)
        if (!p.temp) {
          registerTable(this.db, table, this.user, this.database, this.today())
          registerUniques(this.db, tabid, p.uniques)
          grantDefaults(this.db, tabid, this.user, this.config.ansi)
          registerConstraints(this.db, table, this.user)
        }
      })
      if (p.temp) this.temps.set(p.name.toLowerCase(), table)
      this.permanent.clear()
      return ok
    }
    case "dropTable": {
      // Through a synonym table() finds the base table: DROP TABLE names the table itself (DROP SYNONYM the other).
      const found = this.table(p.name)
      const table = found?.name.toLowerCase() === p.name.toLowerCase() ? found : undefined
      if (table === undefined) {
        return p.ifExists ? ok : engineError(-206, { isamCode: -111, parameter: p.name, offset: p.nameOffset })
      }
      this.inStatementSavepoint(() => {
        this.db.exec(`DROP TABLE ${table.temp ? "temp." : ""}${quoteIdent(table.name)}`)
        if (table.temp) this.db.prepare("DELETE FROM temp._ifx_tserial WHERE tabid = ?").run(table.tabid)
        else {
          unregisterTable(this.db, table.tabid)
          dropGrants(this.db, table.tabid)
          dropSynonymsOf(this.db, table.tabid)
        }
      })
      if (table.temp) this.temps.delete(p.name.toLowerCase())
      this.permanent.clear()
      return ok
    }
    case "createIndex": {
      const table = p.table
      this.inStatementSavepoint(() => {
        this.db.exec(p.sql)
        if (!table.temp) {
          const colnos = p.columns.map((c) =>
            table.columns.find((x) => x.name.toLowerCase() === c.toLowerCase())!.colno
          )
          registerIndex(this.db, p.name, this.user, table.tabid, p.unique, colnos)
          if (p.unique) registerUniques(this.db, table.tabid, [{ name: p.name, kind: "index", columns: p.columns }])
        }
      })
      if (table.temp && p.unique) {
        this.temps.set(table.name.toLowerCase(), {
          ...table,
          uniques: [...table.uniques, { name: p.name, kind: "index", columns: p.columns }]
        })
      }
      this.permanent.clear()
      return ok
    }
    case "dropIndex": {
      this.inStatementSavepoint(() => {
        this.db.exec(`DROP INDEX ${quoteIdent(p.name)}`)
        const row = this.db.prepare("SELECT tabid FROM sysindexes WHERE lower(idxname) = lower(?)").get(p.name) as
          | { tabid: number | bigint }
          | undefined
        this.db.prepare("DELETE FROM sysindexes WHERE lower(idxname) = lower(?)").run(p.name)
        this.db.prepare("DELETE FROM _ifx_unique WHERE lower(name) = lower(?) AND kind = 'index'").run(p.name)
        if (row !== undefined) {
          this.db.prepare("UPDATE systables SET nindexes = nindexes - 1 WHERE tabid = ?").run(row.tabid)
        }
      })
      this.permanent.clear()
      return ok
    }
    case "alterAdd": {
      const table = p.table
      this.inStatementSavepoint(() => {
        for (const c of p.columns) {
          this.db.exec(
            `ALTER TABLE ${table.temp ? "temp." : ""}${quoteIdent(table.name)} ADD COLUMN ${
              quoteIdent(c.name)
            } ${c.sqlite}`
          )
        }
        if (!table.temp) addColumns(this.db, table, p.columns)
      })
      if (table.temp) {
        this.temps.set(table.name.toLowerCase(), {
          ...table,
          columns: [
            ...table.columns,
            ...p.columns.map(({ colno, name, notNull, type }) => ({ colno, name, notNull, type }))
          ]
        })
      }
      this.permanent.clear()
      return ok
    }
    case "createView": {
      if (this.table(p.name) !== undefined || nameTaken(this.db, p.name)) {
        return engineError(-310, { parameter: p.name, offset: p.nameOffset })
      }
      const select = p.select
      const stmt = this.db.prepare(select.sql)
      const described = this.describeSelect(select, stmt)
      if (p.columnNames !== undefined && p.columnNames.length !== described.columns.length) {
        // Column list and select list differ in length: reported as a syntax error (real code not pinned).
        return engineError(-201, { parameter: p.name, offset: p.nameOffset })
      }
      const names = described.columns.map((c, i) => p.columnNames?.[i] ?? c.name)
      const view: TableInfo = {
        name: p.name,
        tabid: nextTabid(this.db),
        temp: false,
        columns: names.map((name, i) => ({ name, colno: i + 1, type: described.types[i]!, notNull: false })),
        uniques: []
      }
      this.inStatementSavepoint(() => {
        this.db.exec(
          `CREATE VIEW ${quoteIdent(p.name)} (${names.map(quoteIdent).join(", ")}) AS ${select.sql}`
        )
        registerTable(this.db, view, this.user, this.database, this.today(), "V")
        grantDefaults(this.db, view.tabid, this.user, this.config.ansi)
      })
      this.permanent.clear()
      return ok
    }
    case "dropView": {
      const view = this.table(p.name)
      if (view === undefined || view.temp || view.name.toLowerCase() !== p.name.toLowerCase()) {
        return engineError(-206, { isamCode: -111, parameter: p.name, offset: p.nameOffset })
      }
      this.inStatementSavepoint(() => {
        this.db.exec(`DROP VIEW ${quoteIdent(view.name)}`)
        unregisterTable(this.db, view.tabid)
        dropGrants(this.db, view.tabid)
        dropSynonymsOf(this.db, view.tabid)
      })
      this.permanent.clear()
      return ok
    }
    default:
      return engineError(-201, { offset: ctx.tokens[0]?.offset ?? 0 })
  }
}

/**
 * SERIAL semantics (IBM "SERIAL data type"): inserting 0 (or NULL) assigns the next value; inserting a
 * positive value uses it and advances the counter if it is larger. An AFTER INSERT trigger keeps the counter
 * in _ifx_serial (temp tables: temp._ifx_tserial) inside the inserting statement's transaction.
 */
export function createSerialTriggers(this: Session, table: TableInfo, columns: ReadonlyArray<ColumnDef>) {
  const serials = columns.filter((c) => isSerial(c.type))
  if (serials.length === 0) return
  const counter = table.temp ? "_ifx_tserial" : "_ifx_serial"
  if (table.temp) {
    this.db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS _ifx_tserial (tabid INTEGER PRIMARY KEY, last INTEGER NOT NULL, last8 INTEGER NOT NULL)"
    )
  }
  const start = (code: number) =>
    (serials.find((c) => (code === TypeCode.SERIAL ? c.type.code === code : c.type.code !== TypeCode.SERIAL))?.type
      .serialStart ?? 1) - 1
  this.db.prepare(`INSERT INTO ${table.temp ? "temp." : ""}${counter} (tabid, last, last8) VALUES (?, ?, ?)`).run(
    table.tabid,
    start(TypeCode.SERIAL),
    start(TypeCode.SERIAL8)
  )
  for (const c of serials) {
    const field = c.type.code === TypeCode.SERIAL ? "last" : "last8"
    const col = `NEW.${quoteIdent(c.name)}`
    this.db.exec(
      `CREATE ${table.temp ? "TEMP " : ""}TRIGGER ${quoteIdent(`_ifx_serial_${table.tabid}_${c.name}`)} ` +
        `AFTER INSERT ON ${quoteIdent(table.name)} FOR EACH ROW BEGIN ` +
        `UPDATE ${counter} SET ${field} = CASE WHEN coalesce(${col}, 0) = 0 THEN ${field} + 1 ` +
        `WHEN ${col} > ${field} THEN ${col} ELSE ${field} END WHERE tabid = ${table.tabid}; ` +
        `UPDATE ${quoteIdent(table.name)} SET ${
          quoteIdent(c.name)
        } = (SELECT ${field} FROM ${counter} WHERE tabid = ${table.tabid}) ` +
        `WHERE rowid = NEW.rowid AND coalesce(${col}, 0) = 0; END`
    )
  }
}
