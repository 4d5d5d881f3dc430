/**
 * Catalog rows of SPL routines and triggers: `sysprocedures`, `sysproccolumns`, `sysprocbody`, `sysprocplan`,
 * `systriggers`, `systrigbody`, with Informix's tabids (16, 49 not pinned, 17, 18, 22, 23) and the columns
 * applications read. The routine or
 * trigger text is kept in 256-character pieces (`sysprocbody` datakey 'T', `systrigbody` datakey 'D'), as Informix
 * keeps it, and is parsed again when a session first uses it.
 */
import type { DatabaseSync } from "node:sqlite"
import { TypeCode } from "../../../values/typeCodes.ts"
import { type IfxType, Types } from "../types.ts"

const serial: IfxType = { ...Types.integer, code: TypeCode.SERIAL }

/** Catalog tables bootstrapped with systables (catalog.ts): [name, type, NOT NULL]. */
export const routineCatalogTables: ReadonlyArray<{
  readonly name: string
  readonly tabid: number
  readonly columns: ReadonlyArray<readonly [string, IfxType, boolean]>
}> = [
  {
    name: "sysprocedures",
    tabid: 16,
    columns: [
      ["procname", Types.varchar(128), false],
      ["owner", Types.char(32), false],
      ["procid", serial, true],
      ["mode", Types.char(1), false],
      ["retsize", Types.integer, false],
      ["symsize", Types.integer, false],
      ["datasize", Types.integer, false],
      ["codesize", Types.integer, false],
      ["numargs", Types.integer, false],
      ["isproc", Types.char(1), false],
      ["specificname", Types.varchar(128), false],
      ["externalname", Types.varchar(255), false],
      ["paramstyle", Types.char(1), false],
      ["langid", Types.integer, false],
      ["paramtypes", Types.lvarchar(2048), false],
      ["variant", Types.boolean, false],
      ["handlesnulls", Types.boolean, false],
      ["iterations", Types.boolean, false],
      ["internal", Types.boolean, false],
      ["procflags", Types.integer, false]
    ]
  },
  {
    // IBM "SYSPROCCOLUMNS": one row per parameter and return value; JDBC's getProcedureColumns joins it. Its tabid
    // is not pinned (49 here).
    name: "sysproccolumns",
    tabid: 49,
    columns: [
      ["procid", Types.integer, false],
      ["paramid", Types.integer, false],
      ["paramname", Types.varchar(128), false],
      ["paramtype", Types.smallint, false],
      ["paramlen", Types.smallint, false],
      ["paramxid", Types.integer, false],
      ["paramattr", Types.integer, false]
    ]
  },
  {
    name: "sysprocbody",
    tabid: 17,
    columns: [
      ["procid", Types.integer, false],
      ["datakey", Types.char(1), false],
      ["seqno", Types.integer, false],
      ["data", Types.char(256), false]
    ]
  },
  {
    name: "sysprocplan",
    tabid: 18,
    columns: [
      ["procid", Types.integer, false],
      ["planid", Types.integer, false],
      ["datakey", Types.char(1), false],
      ["seqno", Types.integer, false],
      ["created", Types.date, false],
      ["datasize", Types.integer, false],
      ["data", Types.char(256), false],
      ["dbname", Types.char(128), false]
    ]
  },
  {
    name: "systriggers",
    tabid: 22,
    columns: [
      ["trigid", serial, true],
      ["trigname", Types.varchar(128), false],
      ["owner", Types.char(32), false],
      ["tabid", Types.integer, false],
      ["event", Types.char(1), false],
      ["old", Types.varchar(128), false],
      ["new", Types.varchar(128), false],
      ["mode", Types.char(1), false],
      ["collation", Types.char(32), false]
    ]
  },
  {
    name: "systrigbody",
    tabid: 23,
    columns: [
      ["trigid", Types.integer, false],
      ["datakey", Types.char(1), false],
      ["seqno", Types.integer, false],
      ["data", Types.char(256), false]
    ]
  }
]

const PIECE = 256

const pieces = (text: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < text.length; i += PIECE) out.push(text.slice(i, i + PIECE))
  return out.length === 0 ? [""] : out
}

const maxId = (db: DatabaseSync, sql: string) => Number((db.prepare(sql).get() as { m: number | bigint | null }).m ?? 0)

export interface RoutineRow {
  readonly procid: number
  readonly procname: string
  readonly specificname: string | undefined
  readonly owner: string
  readonly isproc: boolean
  readonly text: string
}

/** Every routine (overload) named `name` (case-insensitive), oldest first, with its text. */
export const readRoutines = (db: DatabaseSync, name: string): Array<RoutineRow> => {
  const rows = db.prepare(
    "SELECT procid, procname, specificname, owner, isproc FROM sysprocedures WHERE lower(procname) = lower(?) " +
      "ORDER BY procid"
  ).all(name) as Array<
    { procid: number | bigint; procname: string; specificname: string | null; owner: string; isproc: string }
  >
  return rows.map((row) => ({
    procid: Number(row.procid),
    procname: row.procname,
    specificname: row.specificname ?? undefined,
    owner: row.owner.trim(),
    isproc: row.isproc === "t",
    text: (db.prepare("SELECT data FROM sysprocbody WHERE procid = ? AND datakey = 'T' ORDER BY seqno").all(
      row.procid
    ) as Array<{ data: string }>).map((b) => b.data).join("")
  }))
}

/** The name of routine `procid`, if it exists. */
export const procedureName = (db: DatabaseSync, procid: number): string | undefined =>
  (db.prepare("SELECT procname FROM sysprocedures WHERE procid = ?").get(procid) as { procname: string } | undefined)
    ?.procname

/** The routine whose SPECIFIC name is `specific`, if any. */
export const routineBySpecificName = (
  db: DatabaseSync,
  specific: string
): { procid: number; procname: string } | undefined => {
  const row = db.prepare("SELECT procid, procname FROM sysprocedures WHERE lower(specificname) = lower(?)").get(
    specific
  ) as { procid: number | bigint; procname: string } | undefined
  return row === undefined ? undefined : { procid: Number(row.procid), procname: row.procname }
}

/** Names of the routines that return values (usable in expressions). */
export const routinesReturningValues = (db: DatabaseSync): Array<string> =>
  (db.prepare("SELECT procname FROM sysprocedures WHERE retsize > 0").all() as Array<{ procname: string }>).map((r) =>
    r.procname
  )

/** A parameter or return value of a routine as sysproccolumns lists it (type undefined: `LIKE t.c`, resolved later). */
export interface RoutineColumn {
  readonly name: string | undefined
  readonly type: IfxType | undefined
  readonly mode: "in" | "out" | "inout" | "return"
}

/**
 * sysproccolumns.paramattr (IBM "SYSPROCCOLUMNS"): 1 INPUT, 2 INOUT, 4 OUT, 5 a (single) return value, 3 one of
 * several return values — the values JDBC's getProcedureColumns hands on as COLUMN_TYPE (procedureColumnIn ...
 * procedureColumnReturn / procedureColumnResult).
 */
const paramattr = (mode: RoutineColumn["mode"], returns: number): number =>
  mode === "in" ? 1 : mode === "inout" ? 2 : mode === "out" ? 4 : returns === 1 ? 5 : 3

/**
 * The sysproccolumns rows of a routine. paramid order is not documented; JDBC's getProcedureColumns orders by it and
 * reads the return types first (IfxDatabaseMetaData.processProcName), so the return values come first, numbered
 * from 0 (JDBC's ORDINAL_POSITION 0 is the return value), and the parameters follow, numbered from 1 at least.
 */
const insertRoutineColumns = (db: DatabaseSync, procid: number, columns: ReadonlyArray<RoutineColumn>) => {
  const insert = db.prepare(
    "INSERT INTO sysproccolumns (procid, paramid, paramname, paramtype, paramlen, paramxid, paramattr) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?)"
  )
  const returns = columns.filter((c) => c.mode === "return")
  const params = columns.filter((c) => c.mode !== "return")
  const row = (c: RoutineColumn, paramid: number) =>
    insert.run(
      procid,
      paramid,
      c.name ?? null,
      c.type?.code ?? 0,
      c.type === undefined ? 0 : c.type.length > 32767 ? c.type.length - 65536 : c.type.length,
      c.type?.xid ?? 0,
      paramattr(c.mode, returns.length)
    )
  returns.forEach((c, i) => row(c, i))
  params.forEach((c, i) => row(c, Math.max(returns.length, 1) + i))
}

export const insertRoutine = (
  db: DatabaseSync,
  routine: {
    readonly name: string
    readonly specific: string | undefined
    readonly owner: string
    readonly dba: boolean
    readonly isProcedure: boolean
    readonly numargs: number
    readonly returns: number
    readonly paramTypes: string
    readonly columns: ReadonlyArray<RoutineColumn>
    readonly text: string
    readonly today: number
    readonly dbname: string
  }
): number => {
  const procid = Math.max(1, maxId(db, "SELECT max(procid) AS m FROM sysprocedures") + 1)
  // langid 2 is SPL in sysroutinelangs (0 built-in, 1 C, 2 SPL, 3 Java); JDBC's getProcedureColumns reads only
  // `p.langid = 2` routines.
  db.prepare(
    "INSERT INTO sysprocedures (procname, owner, procid, mode, retsize, symsize, datasize, codesize, numargs, " +
      "isproc, specificname, externalname, paramstyle, langid, paramtypes, variant, handlesnulls, iterations, " +
      "internal, procflags) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, NULL, 'I', 2, ?, 't', 't', 'f', 'f', 0)"
  ).run(
    routine.name,
    routine.owner,
    procid,
    routine.dba ? "D" : "O",
    routine.returns,
    routine.text.length,
    routine.numargs,
    routine.isProcedure ? "t" : "f",
    routine.specific ?? null,
    routine.paramTypes
  )
  insertRoutineColumns(db, procid, routine.columns)
  const body = db.prepare("INSERT INTO sysprocbody (procid, datakey, seqno, data) VALUES (?, 'T', ?, ?)")
  pieces(routine.text).forEach((p, i) => body.run(procid, i + 1, p))
  db.prepare(
    "INSERT INTO sysprocplan (procid, planid, datakey, seqno, created, datasize, data, dbname) " +
      "VALUES (?, 1, 'D', 1, ?, 0, '', ?)"
  ).run(procid, routine.today, routine.dbname)
  return procid
}

export const deleteRoutine = (db: DatabaseSync, procid: number) => {
  for (const table of ["sysprocedures", "sysproccolumns", "sysprocbody", "sysprocplan"]) {
    db.prepare(`DELETE FROM ${table} WHERE procid = ?`).run(procid)
  }
}

export interface TriggerRow {
  readonly trigid: number
  readonly trigname: string
  readonly tabid: number
  readonly text: string
}

export const insertTrigger = (
  db: DatabaseSync,
  trigger: {
    readonly name: string
    readonly owner: string
    readonly tabid: number
    readonly event: string
    readonly old: string | undefined
    readonly new: string | undefined
    readonly text: string
  }
): number => {
  const trigid = Math.max(1, maxId(db, "SELECT max(trigid) AS m FROM systriggers") + 1)
  db.prepare(
    "INSERT INTO systriggers (trigid, trigname, owner, tabid, event, old, new, mode, collation) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?, 'O', 'en_US.819')"
  ).run(trigid, trigger.name, trigger.owner, trigger.tabid, trigger.event, trigger.old ?? null, trigger.new ?? null)
  const body = db.prepare("INSERT INTO systrigbody (trigid, datakey, seqno, data) VALUES (?, 'D', ?, ?)")
  pieces(trigger.text).forEach((p, i) => body.run(trigid, i + 1, p))
  return trigid
}

export const readTriggers = (db: DatabaseSync, tabid: number): Array<TriggerRow> => {
  const rows = db.prepare("SELECT trigid, trigname, tabid FROM systriggers WHERE tabid = ? ORDER BY trigid").all(
    tabid
  ) as Array<{ trigid: number | bigint; trigname: string; tabid: number | bigint }>
  return rows.map((r) => ({
    trigid: Number(r.trigid),
    trigname: r.trigname,
    tabid: Number(r.tabid),
    text: (db.prepare("SELECT data FROM systrigbody WHERE trigid = ? AND datakey = 'D' ORDER BY seqno").all(
      r.trigid
    ) as Array<{ data: string }>).map((b) => b.data).join("")
  }))
}

export const findTrigger = (db: DatabaseSync, name: string): { trigid: number; tabid: number } | undefined => {
  const row = db.prepare("SELECT trigid, tabid FROM systriggers WHERE lower(trigname) = lower(?)").get(name) as
    | { trigid: number | bigint; tabid: number | bigint }
    | undefined
  return row === undefined ? undefined : { trigid: Number(row.trigid), tabid: Number(row.tabid) }
}

export const deleteTriggers = (db: DatabaseSync, where: "trigid" | "tabid", id: number) => {
  const ids = db.prepare(`SELECT trigid FROM systriggers WHERE ${where} = ?`).all(id) as Array<{ trigid: number }>
  for (const r of ids) {
    db.prepare(
      "DELETE FROM sysobjstate WHERE objtype = 'T' AND lower(name) = (SELECT lower(trigname) FROM systriggers " +
        "WHERE trigid = ?)"
    ).run(r.trigid)
    db.prepare("DELETE FROM systrigbody WHERE trigid = ?").run(r.trigid)
    db.prepare("DELETE FROM systriggers WHERE trigid = ?").run(r.trigid)
  }
}
