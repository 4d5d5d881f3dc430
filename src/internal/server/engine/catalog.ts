/**
 * The Informix catalog kept inside each SQLite database: real tables named systables, syscolumns and sysindexes
 * (so clients can query them with ordinary SQL, as JDBC does right after connecting — golden/README.md), holding
 * the declared Informix types (coltype with 0x0100 for NOT NULL, collength per VALUES.md §5).
 *
 * Special systables rows that clients read (IBM "SYSTABLES" catalog page: tabids below 100 are system entries):
 *   ' GL_COLLATE' (tabid 90) and ' GL_CTYPE' (91): `site` = the database locale; JDBC 15 fails the connect with
 *   -79784 unless it knows the locale (en_US.819 accepted, golden/README.md).
 *   ' VERSION' (99): JDBC 15 selects `flags` from it; the golden responder's 0 was accepted.
 * Temp tables are per session and live in the session's TempCatalog (Informix keeps them out of systables too).
 */
import type { DatabaseSync } from "node:sqlite"
import { TypeCode } from "../../values/typeCodes.ts"
import { bootstrapCatalogExtensions } from "./catalogExtensions.ts"
import { complexTypeFromCatalog, extendedIdFor } from "./complexTypes.ts"
import { deleteTriggers, routineCatalogTables } from "./spl/catalog.ts"
import { builtinXname, type IfxType, sqliteDeclaration, Types } from "./types.ts"
import { userTypeById } from "./userTypes.ts"

export interface ColumnInfo {
  readonly name: string
  readonly colno: number
  readonly type: IfxType
  readonly notNull: boolean
}

/** A UNIQUE / PRIMARY KEY constraint or a unique index: SQLite's error names only the columns, Informix the object. */
export interface UniqueDef {
  readonly name: string
  readonly kind: "constraint" | "index"
  readonly columns: ReadonlyArray<string>
}

export interface TableInfo {
  readonly name: string
  readonly tabid: number
  readonly temp: boolean
  readonly columns: ReadonlyArray<ColumnInfo>
  readonly uniques: ReadonlyArray<UniqueDef>
  /** The SQLite schema of another database's table (`ifx_<db>`, crossDatabase.ts); undefined in the current one. */
  readonly schema?: string
}

/** syscolumns.coltype: the code, a user type's flags (0x0800 DISTINCT, 0x1000 named ROW) and 0x0100 NOT NULL. */
export const coltypeOf = (c: ColumnInfo) => c.type.code | (c.type.flags ?? 0) | (c.notNull ? 0x100 : 0)

/** syscolumns.collength is a SMALLINT: values above 32767 are shown negative (VALUES.md §5). */
const signedShort = (n: number) => (n > 32767 ? n - 65536 : n)

interface SystemTable {
  readonly name: string
  readonly tabid: number
  readonly columns: ReadonlyArray<readonly [string, IfxType, boolean]>
}

const systemTables: ReadonlyArray<SystemTable> = [
  {
    name: "systables",
    tabid: 1,
    columns: [
      ["tabname", Types.varchar(128), false],
      ["owner", Types.char(32), false],
      ["partnum", Types.integer, false],
      ["tabid", { ...Types.integer, code: TypeCode.SERIAL }, true],
      ["rowsize", Types.smallint, false],
      ["ncols", Types.smallint, false],
      ["nindexes", Types.smallint, false],
      ["nrows", Types.float, false],
      ["created", Types.date, false],
      ["version", Types.integer, false],
      ["tabtype", Types.char(1), false],
      ["locklevel", Types.char(1), false],
      ["npused", Types.float, false],
      ["fextsize", Types.integer, false],
      ["nextsize", Types.integer, false],
      ["flags", Types.smallint, false],
      ["site", Types.varchar(128), false],
      ["dbname", Types.varchar(128), false]
    ]
  },
  {
    name: "syscolumns",
    tabid: 2,
    columns: [
      ["colname", Types.varchar(128), false],
      ["tabid", Types.integer, false],
      ["colno", Types.smallint, false],
      ["coltype", Types.smallint, false],
      ["collength", Types.smallint, false],
      ["colmin", Types.integer, false],
      ["colmax", Types.integer, false],
      ["extended_id", Types.integer, false]
    ]
  },
  {
    name: "sysindexes",
    tabid: 3,
    columns: [
      ["idxname", Types.varchar(128), false],
      ["owner", Types.char(32), false],
      ["tabid", Types.integer, false],
      ["idxtype", Types.char(1), false],
      ["clustered", Types.char(1), false],
      ...Array.from({ length: 16 }, (_, i) => [`part${i + 1}`, Types.smallint, false] as const)
    ]
  },
  ...routineCatalogTables
]

const sqliteDecl = (t: IfxType) =>
  t.code === TypeCode.CHAR ? "TEXT COLLATE RTRIM" : t.code === TypeCode.FLOAT ? "REAL" : t.code === TypeCode.DATE ||
      t.code === TypeCode.INTEGER || t.code === TypeCode.SMALLINT || t.code === TypeCode.SERIAL
    ? "INTEGER"
    : "TEXT"

/** A catalog table's description (all columns nullable). */
export const catalogTable = (
  name: string,
  tabid: number,
  columns: ReadonlyArray<readonly [string, IfxType]>
): TableInfo => ({
  name,
  tabid,
  temp: false,
  uniques: [],
  columns: columns.map(([n, type], i): ColumnInfo => ({ name: n, colno: i + 1, type, notNull: false }))
})

/**
 * Creates the catalog tables a database lacks (also in databases made before they existed) and describes them in
 * its systables/syscolumns, as the server's own (owner informix); idempotent.
 */
export const createCatalogTables = (
  db: DatabaseSync,
  tables: ReadonlyArray<TableInfo>,
  dbname: string,
  today: number
) => {
  const missing = tables.filter((t) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t.name) === undefined
  )
  if (missing.length === 0) return
  db.exec("BEGIN IMMEDIATE")
  for (const t of missing) {
    db.exec(`CREATE TABLE ${t.name} (${t.columns.map((c) => `"${c.name}" ${sqliteDeclaration(c.type)}`).join(", ")})`)
    registerTable(db, t, "informix", dbname, today)
  }
  db.exec("COMMIT")
}

/** Creates the catalog tables and special rows if the database is new (idempotent). */
export const bootstrapCatalog = (db: DatabaseSync, dbname: string, locale: string, today: number) => {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'systables'").get()
  if (exists === undefined) bootstrapCore(db, dbname, locale, today)
  // Sequences, synonyms and privileges (also added to a database made by an older version).
  bootstrapCatalogExtensions(db, dbname, today)
}

const bootstrapCore = (db: DatabaseSync, dbname: string, locale: string, today: number) => {
  db.exec("BEGIN IMMEDIATE")
  for (const t of systemTables) {
    db.exec(`CREATE TABLE ${t.name} (${t.columns.map(([n, ty]) => `"${n}" ${sqliteDecl(ty)}`).join(", ")})`)
  }
  db.exec("CREATE UNIQUE INDEX _ifx_systables_name ON systables (tabname)")
  db.exec("CREATE TABLE _ifx_serial (tabid INTEGER PRIMARY KEY, last INTEGER NOT NULL, last8 INTEGER NOT NULL)")
  db.exec(
    "CREATE TABLE _ifx_unique (tabid INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, columns TEXT NOT NULL)"
  )
  const insertTable = db.prepare(
    "INSERT INTO systables (tabname, owner, partnum, tabid, rowsize, ncols, nindexes, nrows, created, version, " +
      "tabtype, locklevel, npused, fextsize, nextsize, flags, site, dbname) " +
      "VALUES (?, 'informix', 0, ?, 0, ?, 0, 0, ?, 0, ?, 'P', 0, 16, 16, 0, ?, ?)"
  )
  const insertColumn = db.prepare(
    "INSERT INTO syscolumns (colname, tabid, colno, coltype, collength, colmin, colmax, extended_id) " +
      "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)"
  )
  for (const t of systemTables) {
    insertTable.run(t.name, t.tabid, t.columns.length, today, "T", "", dbname)
    t.columns.forEach(([name, type, notNull], i) => {
      insertColumn.run(name, t.tabid, i + 1, type.code | (notNull ? 0x100 : 0), signedShort(type.length), type.xid)
    })
  }
  insertTable.run(" GL_COLLATE", 90, 0, today, "L", locale, dbname)
  insertTable.run(" GL_CTYPE", 91, 0, today, "L", locale, dbname)
  insertTable.run(" VERSION", 99, 0, today, "L", "", dbname)
  db.exec("COMMIT")
}

/** Reads a permanent table's catalog entry (case-insensitive name, as Informix folds unquoted names). */
export const readTable = (db: DatabaseSync, name: string, schema?: string): TableInfo | undefined => {
  const s = schema === undefined ? "" : `${schema}.`
  let row: { tabid: number; tabname: string } | undefined
  try {
    row = db.prepare(
      `SELECT tabid, tabname FROM ${s}systables WHERE lower(tabname) = lower(?) AND tabtype IN ('T', 'V')`
    ).get(name) as { tabid: number; tabname: string } | undefined
  } catch (error) {
    // A schema that is not attached: no such table.
    if (schema !== undefined && /no such table/.test(String(error))) return undefined
    throw error
  }
  if (row === undefined) return undefined
  const cols = db.prepare(
    `SELECT colname, colno, coltype, collength, extended_id FROM ${s}syscolumns WHERE tabid = ? ORDER BY colno`
  ).all(row.tabid) as Array<{ colname: string; colno: number; coltype: number; collength: number; extended_id: number }>
  const uniques = db.prepare(`SELECT name, kind, columns FROM ${s}_ifx_unique WHERE tabid = ?`).all(
    row.tabid
  ) as Array<{ name: string; kind: "constraint" | "index"; columns: string }>
  return {
    name: row.tabname,
    tabid: Number(row.tabid),
    temp: false,
    ...(schema === undefined ? {} : { schema }),
    uniques: uniques.map((u) => ({ name: u.name, kind: u.kind, columns: JSON.parse(u.columns) as Array<string> })),
    columns: cols.map((c) => {
      const code = Number(c.coltype) & 0xff
      const xid = Number(c.extended_id ?? 0)
      const length = Number(c.collength) < 0 ? Number(c.collength) + 65536 : Number(c.collength)
      return {
        name: c.colname,
        colno: Number(c.colno),
        notNull: (Number(c.coltype) & 0x100) !== 0,
        type: userTypeById(db, xid) ?? complexTypeFromCatalog(db, code, xid) ?? {
          code,
          length,
          xid,
          xname: builtinXname(xid)
        }
      }
    })
  }
}

export const nextTabid = (db: DatabaseSync): number => {
  const row = db.prepare("SELECT max(tabid) AS m FROM systables").get() as { m: number | bigint | null }
  return Math.max(100, Number(row.m ?? 0) + 1)
}

export const registerTable = (
  db: DatabaseSync,
  table: TableInfo,
  owner: string,
  dbname: string,
  today: number,
  tabtype = "T"
) => {
  db.prepare(
    "INSERT INTO systables (tabname, owner, partnum, tabid, rowsize, ncols, nindexes, nrows, created, version, " +
      "tabtype, locklevel, npused, fextsize, nextsize, flags, site, dbname) " +
      "VALUES (?, ?, 0, ?, 0, ?, 0, 0, ?, 0, ?, 'P', 0, 16, 16, 0, '', ?)"
  ).run(table.name, owner, table.tabid, table.columns.length, today, tabtype, dbname)
  const insertColumn = db.prepare(
    "INSERT INTO syscolumns (colname, tabid, colno, coltype, collength, colmin, colmax, extended_id) " +
      "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)"
  )
  for (const c of table.columns) {
    insertColumn.run(c.name, table.tabid, c.colno, coltypeOf(c), signedShort(c.type.length), extendedIdFor(db, c.type))
  }
}

export const addColumns = (db: DatabaseSync, table: TableInfo, columns: ReadonlyArray<ColumnInfo>) => {
  const insertColumn = db.prepare(
    "INSERT INTO syscolumns (colname, tabid, colno, coltype, collength, colmin, colmax, extended_id) " +
      "VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)"
  )
  for (const c of columns) {
    insertColumn.run(c.name, table.tabid, c.colno, coltypeOf(c), signedShort(c.type.length), extendedIdFor(db, c.type))
  }
  db.prepare("UPDATE systables SET ncols = ncols + ? WHERE tabid = ?").run(columns.length, table.tabid)
}

export const unregisterTable = (db: DatabaseSync, tabid: number) => {
  db.prepare("DELETE FROM systables WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM syscolumns WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM sysindexes WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM _ifx_serial WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM _ifx_unique WHERE tabid = ?").run(tabid)
  // IBM: dropping a table drops its triggers (SQLite drops the capture triggers with the table itself).
  deleteTriggers(db, "tabid", tabid)
  // metadataCatalog.ts rows: constraints, their references and the column defaults.
  db.prepare(
    "DELETE FROM sysreferences WHERE constrid IN (SELECT constrid FROM sysconstraints WHERE tabid = ?)"
  ).run(tabid)
  db.prepare("DELETE FROM sysconstraints WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM sysdefaults WHERE tabid = ?").run(tabid)
}

export const registerIndex = (
  db: DatabaseSync,
  name: string,
  owner: string,
  tabid: number,
  unique: boolean,
  colnos: ReadonlyArray<number>
) => {
  const parts = Array.from({ length: 16 }, (_, i) => colnos[i] ?? 0)
  db.prepare(
    `INSERT INTO sysindexes (idxname, owner, tabid, idxtype, clustered, ${
      parts.map((_, i) => `part${i + 1}`).join(", ")
    }) ` +
      `VALUES (?, ?, ?, ?, '', ${parts.map(() => "?").join(", ")})`
  ).run(name, owner, tabid, unique ? "U" : "D", ...parts)
  db.prepare("UPDATE systables SET nindexes = nindexes + 1 WHERE tabid = ?").run(tabid)
}

export const registerUniques = (db: DatabaseSync, tabid: number, uniques: ReadonlyArray<UniqueDef>) => {
  const insert = db.prepare("INSERT INTO _ifx_unique (tabid, name, kind, columns) VALUES (?, ?, ?, ?)")
  for (const u of uniques) insert.run(tabid, u.name, u.kind, JSON.stringify(u.columns))
}
