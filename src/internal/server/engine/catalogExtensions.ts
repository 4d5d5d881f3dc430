/**
 * The catalog tables of sequences, synonyms and privileges (IBM Informix Guide to SQL: Reference, "System catalog
 * tables"): real tables in every database, listed in systables/syscolumns like the core catalog (catalog.ts), so
 * clients query them with ordinary SQL. Created by the engine when it opens a database (idempotent, so databases
 * made by an earlier version get them too).
 *
 * Tabids follow Informix where known (systabauth 4, syscolauth 5, sysusers 7, syssynonyms 9, sysprocauth 19,
 * sysobjstate 26, sysroleauth 29); syssequences' tabid is not pinned (71 here).
 */
import type { DatabaseSync } from "node:sqlite"
import { TypeCode } from "../../values/typeCodes.ts"
import { registerTable, type TableInfo } from "./catalog.ts"
import { type IfxType, Types } from "./types.ts"

type ColumnSpec = readonly [string, IfxType]

const serial: IfxType = { ...Types.integer, code: TypeCode.SERIAL }

const tables: ReadonlyArray<
  { readonly name: string; readonly tabid: number; readonly columns: ReadonlyArray<ColumnSpec> }
> = [
  {
    // Enabled / disabled triggers (objtype 'T', state 'E' / 'D'; spl/triggerModes.ts).
    name: "sysobjstate",
    tabid: 26,
    columns: [
      ["objtype", Types.char(1)],
      ["owner", Types.char(32)],
      ["name", Types.varchar(128)],
      ["tabid", Types.integer],
      ["state", Types.char(1)]
    ]
  },
  {
    name: "systabauth",
    tabid: 4,
    columns: [
      ["grantor", Types.char(32)],
      ["grantee", Types.char(32)],
      ["tabid", Types.integer],
      ["tabauth", Types.char(9)]
    ]
  },
  {
    name: "syscolauth",
    tabid: 5,
    columns: [
      ["grantor", Types.char(32)],
      ["grantee", Types.char(32)],
      ["tabid", Types.integer],
      ["colno", Types.smallint],
      ["colauth", Types.char(3)]
    ]
  },
  {
    name: "sysusers",
    tabid: 7,
    columns: [
      ["username", Types.char(32)],
      ["usertype", Types.char(1)],
      ["priority", Types.smallint],
      ["password", Types.char(16)],
      ["defrole", Types.char(32)]
    ]
  },
  {
    name: "sysprocauth",
    tabid: 19,
    columns: [
      ["grantor", Types.char(32)],
      ["grantee", Types.char(32)],
      ["procid", Types.integer],
      ["procauth", Types.char(1)]
    ]
  },
  {
    name: "syssynonyms",
    tabid: 9,
    columns: [
      ["owner", Types.char(32)],
      ["synname", Types.varchar(128)],
      ["created", Types.date],
      ["tabid", Types.integer]
    ]
  },
  {
    name: "sysroleauth",
    tabid: 29,
    columns: [
      ["rolename", Types.char(32)],
      ["grantee", Types.char(32)],
      ["is_grantable", Types.char(1)]
    ]
  },
  {
    name: "syssequences",
    tabid: 71,
    columns: [
      ["seqid", serial],
      ["tabid", Types.integer],
      ["start_val", Types.int8],
      ["inc_val", Types.int8],
      ["max_val", Types.int8],
      ["min_val", Types.int8],
      ["cycle", Types.char(1)],
      ["restart_val", Types.int8],
      ["cache", Types.integer],
      ["order", Types.char(1)]
    ]
  }
]

const declaration = (
  t: IfxType
) => (t.code === TypeCode.CHAR ? "TEXT COLLATE RTRIM" : t.code === TypeCode.VARCHAR ? "TEXT" : "INTEGER")

/** Creates the tables missing from this database (the database's creator, `informix`, is its DBA). */
export const bootstrapCatalogExtensions = (db: DatabaseSync, dbname: string, today: number) => {
  const existing = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) =>
      r.name
    )
  )
  const missing = tables.filter((t) => !existing.has(t.name))
  if (missing.length === 0) return
  db.exec("BEGIN IMMEDIATE")
  for (const t of missing) {
    db.exec(`CREATE TABLE ${t.name} (${t.columns.map(([n, ty]) => `"${n}" ${declaration(ty)}`).join(", ")})`)
    const info: TableInfo = {
      name: t.name,
      tabid: t.tabid,
      temp: false,
      columns: t.columns.map(([name, type], i) => ({
        name,
        colno: i + 1,
        type,
        notNull: type.code === TypeCode.SERIAL
      })),
      uniques: []
    }
    registerTable(db, info, "informix", dbname, today)
    if (t.name === "sysusers") {
      // IBM: the creator of a database holds DBA on it; PUBLIC holds CONNECT (non-ANSI default).
      db.exec("INSERT INTO sysusers VALUES ('informix', 'D', 9, NULL, NULL), ('public', 'C', 5, NULL, NULL)")
    }
  }
  db.exec("COMMIT")
}
