/**
 * The catalog JDBC's DatabaseMetaData reads beyond systables/syscolumns/sysindexes: sysconstraints, sysreferences,
 * sysdefaults and syssyntable, kept as DDL creates them (sysprocedures is the SPL catalog's, spl/catalog.ts), plus the catalog functions its getColumns
 * query calls (`informix.get_data_type(...)` etc.).
 *
 * The queries are those of IBM JDBC 15 (com.informix.jdbc.IfxDatabaseMetaData getColumns, getPrimaryKeys,
 * getImportedKeys, getIndexInfo, getProcedures; docs/protocol-evidence.md): they join sysconstraints.idxname to
 * sysindexes.idxname and sysreferences.primary to the referenced constraint, read the key columns from
 * sysindexes.part1..16, and outer-join sysdefaults by (tabid, colno, class 'T').
 *
 * As Informix does (IBM "SYSCONSTRAINTS", "SYSINDEXES"): every PRIMARY KEY, UNIQUE and FOREIGN KEY constraint has an
 * index named ` <tabid>_<constrid>` (leading blank), unique ('U') for keys and duplicate ('D') for foreign keys;
 * unnamed constraints are called u<tabid>_<constrid> / r<tabid>_<constrid>. Catalog tabids follow Informix's (10
 * syssyntable, 11 sysconstraints, 12 sysreferences, 14 sysdefaults).
 */
import type { DatabaseSync } from "node:sqlite"
import { TypeCode } from "../../values/typeCodes.ts"
import { catalogTable as table, createCatalogTables, type TableInfo } from "./catalog.ts"
import { builtinXname, typeName, Types } from "./types.ts"

const metadataTables: ReadonlyArray<TableInfo> = [
  table("syssyntable", 10, [
    ["tabid", Types.integer],
    ["servername", Types.varchar(128)],
    ["dbname", Types.varchar(128)],
    ["owner", Types.char(32)],
    ["tabname", Types.varchar(128)],
    ["btabid", Types.integer]
  ]),
  table("sysconstraints", 11, [
    ["constrid", { ...Types.integer, code: TypeCode.SERIAL }],
    ["constrname", Types.varchar(128)],
    ["owner", Types.char(32)],
    ["tabid", Types.integer],
    ["constrtype", Types.char(1)],
    ["idxname", Types.varchar(128)],
    ["collation", Types.char(32)]
  ]),
  table("sysreferences", 12, [
    ["constrid", Types.integer],
    ["primary", Types.integer],
    ["ptabid", Types.integer],
    ["updrule", Types.char(1)],
    ["delrule", Types.char(1)],
    ["matchtype", Types.char(1)],
    ["pendant", Types.char(1)]
  ]),
  table("sysdefaults", 14, [
    ["tabid", Types.integer],
    ["colno", Types.smallint],
    ["type", Types.char(1)],
    ["default", Types.char(256)],
    ["class", Types.char(1)]
  ])
]

/** Creates the tables (also in databases made before they existed); idempotent. */
export const bootstrapMetadataCatalog = (db: DatabaseSync, dbname: string, today: number) =>
  createCatalogTables(db, metadataTables, dbname, today)

interface SqliteIndex {
  readonly name: string
  readonly unique: number
  readonly origin: string
}

interface SqliteForeignKey {
  readonly id: number
  readonly seq: number
  readonly table: string
  readonly from: string
  readonly to: string | null
  readonly on_delete: string
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const sameColumns = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase())

/**
 * The constraints, their indexes and references of a table just created (read back from SQLite, which knows the
 * key columns and referenced tables): one sysconstraints row (P, U or R) each, its sysindexes row, and for a
 * foreign key its sysreferences row naming the referenced table's key constraint. Defaults go to sysdefaults.
 */
export const registerConstraints = (db: DatabaseSync, t: TableInfo, owner: string) => {
  const quoted = `"${t.name.replace(/"/g, "\"\"")}"`
  const colno = (name: string) => t.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.colno ?? 0
  const insertConstraint = db.prepare(
    "INSERT INTO sysconstraints (constrid, constrname, owner, tabid, constrtype, idxname, collation) " +
      "VALUES (?, ?, ?, ?, ?, ?, 'en_US.819')"
  )
  const insertIndex = db.prepare(
    `INSERT INTO sysindexes (idxname, owner, tabid, idxtype, clustered, ${
      Array.from({ length: 16 }, (_, i) => `part${i + 1}`).join(", ")
    }) VALUES (?, ?, ?, ?, '', ${Array.from({ length: 16 }, () => "?").join(", ")})`
  )
  const nextId = () =>
    Number((db.prepare("SELECT coalesce(max(constrid), 0) + 1 AS n FROM sysconstraints").get() as { n: number }).n)
  const add = (type: "P" | "U" | "R", name: string | undefined, columns: ReadonlyArray<string>): number => {
    const id = nextId()
    const idxname = ` ${t.tabid}_${id}`
    insertConstraint.run(id, name ?? `${type === "R" ? "r" : "u"}${t.tabid}_${id}`, owner, t.tabid, type, idxname)
    const parts = Array.from({ length: 16 }, (_, i) => (columns[i] === undefined ? 0 : colno(columns[i]!)))
    insertIndex.run(idxname, owner, t.tabid, type === "R" ? "D" : "U", ...parts)
    db.prepare("UPDATE systables SET nindexes = nindexes + 1 WHERE tabid = ?").run(t.tabid)
    return id
  }
  // index_list lists the newest index first: reversed, the constraints keep their order of declaration.
  const indexes = db.prepare(`PRAGMA index_list(${quoted})`).all() as unknown as Array<SqliteIndex>
  for (const index of indexes.toReversed()) {
    if (index.origin !== "pk" && index.origin !== "u") continue
    const columns = (db.prepare(`PRAGMA index_info("${index.name.replace(/"/g, "\"\"")}")`).all() as Array<
      { name: string }
    >).map((c) => c.name)
    const named = t.uniques.find((u) => u.kind === "constraint" && sameColumns(u.columns, columns))
    // The planner's provisional name for an unnamed constraint (`u<table>_<n>`) becomes Informix's u<tabid>_<constrid>,
    // in _ifx_unique too (the -268 parameter).
    const unnamed = named === undefined || new RegExp(`^u${escape(t.name)}_\\d+$`).test(named.name)
    const id = add(index.origin === "pk" ? "P" : "U", unnamed ? undefined : named.name, columns)
    if (unnamed && named !== undefined) {
      db.prepare("UPDATE _ifx_unique SET name = ? WHERE tabid = ? AND name = ?").run(
        `u${t.tabid}_${id}`,
        t.tabid,
        named.name
      )
    }
  }
  const keys = db.prepare(`PRAGMA foreign_key_list(${quoted})`).all() as unknown as Array<SqliteForeignKey>
  for (const id of new Set(keys.map((k) => k.id))) {
    const parts = keys.filter((k) => k.id === id).toSorted((a, b) => a.seq - b.seq)
    const from = parts.map((k) => k.from)
    const referenced = db.prepare(
      "SELECT tabid FROM systables WHERE lower(tabname) = lower(?) AND tabtype = 'T'"
    ).get(parts[0]!.table) as { tabid: number } | undefined
    const ptabid = Number(referenced?.tabid ?? 0)
    // The referenced key: the named columns' P/U constraint, or the primary key when the columns are omitted.
    const to = parts.map((k) => k.to)
    const keyRows = db.prepare(
      "SELECT c.constrid AS constrid, c.constrtype AS type, " +
        Array.from({ length: 16 }, (_, i) => `i.part${i + 1}`).join(", ") +
        " FROM sysconstraints c JOIN sysindexes i ON i.idxname = c.idxname " +
        "WHERE c.tabid = ? AND c.constrtype IN ('P', 'U')"
    ).all(ptabid) as Array<Record<string, number | string>>
    const refColnos = to.every((c) => c !== null)
      ? to.map((c) =>
        Number(
          (db.prepare("SELECT colno FROM syscolumns WHERE tabid = ? AND lower(colname) = lower(?)").get(ptabid, c) as
            | { colno: number }
            | undefined)?.colno ?? 0
        )
      )
      : undefined
    const primary = keyRows.find((k) =>
      refColnos === undefined
        ? k.type === "P"
        : refColnos.every((n, i) => Number(k[`part${i + 1}`]) === n) && Number(k[`part${refColnos.length + 1}`]) === 0
    )
    const constrid = add("R", undefined, from)
    db.prepare(
      "INSERT INTO sysreferences (constrid, \"primary\", ptabid, updrule, delrule, matchtype, pendant) " +
        "VALUES (?, ?, ?, 'R', ?, 'N', 'N')"
    ).run(constrid, Number(primary?.constrid ?? 0), ptabid, parts[0]!.on_delete === "CASCADE" ? "C" : "R")
  }
  const columns = db.prepare(`PRAGMA table_info(${quoted})`).all() as Array<
    { name: string; dflt_value: string | null }
  >
  const insertDefault = db.prepare(
    "INSERT INTO sysdefaults (tabid, colno, type, \"default\", class) VALUES (?, ?, ?, ?, 'T')"
  )
  for (const c of columns) {
    if (c.dflt_value === null) continue
    const d = defaultOf(c.dflt_value)
    insertDefault.run(t.tabid, colno(c.name), d.type, d.text)
  }
}

/** sysdefaults.type / default of a SQLite default expression (statement.ts `defaultText` writes them). */
const defaultOf = (sql: string): { readonly type: string; readonly text: string | null } => {
  if (/^NULL$/i.test(sql)) return { type: "N", text: null }
  if (sql.includes("julianday('now'")) return { type: "T", text: null }
  if (sql.includes("strftime(")) return { type: "C", text: null }
  if (sql.includes("ifx_user(")) return { type: "U", text: null }
  const quoted = /^'(.*)'$/s.exec(sql)
  return { type: "L", text: quoted === null ? sql : quoted[1]!.replace(/''/g, "'") }
}

// -----------------------------------------------------------------------------------------------------------------
// The catalog functions of JDBC's getColumns query
// -----------------------------------------------------------------------------------------------------------------

/**
 * java.sql.Types of a column type: the mapping IBM JDBC itself applies to DESCRIBE types (com.informix.lang.IfxTypes
 * FromIfxToJDBCType), so getColumns' DATA_TYPE equals ResultSetMetaData.getColumnType for the same column. Extended
 * types by extended id: lvarchar VARCHAR, boolean BOOLEAN, blob BLOB, clob CLOB.
 */
const jdbcTypes: Readonly<Record<number, number>> = {
  0: 1,
  1: 5,
  2: 4,
  3: 8,
  4: 7,
  5: 3,
  6: 4,
  7: 91,
  8: 3,
  10: 93,
  11: -4,
  12: -1,
  13: 12,
  14: 1,
  15: 1,
  16: 12,
  17: -5,
  18: -5,
  52: -5,
  53: -5
}
const extendedJdbcTypes: Readonly<Record<number, number>> = { 1: 12, 5: 16, 10: 2004, 11: 2005 }

const typeNames: Readonly<Record<number, string>> = {
  0: "CHAR",
  1: "SMALLINT",
  2: "INTEGER",
  3: "FLOAT",
  4: "SMALLFLOAT",
  5: "DECIMAL",
  6: "SERIAL",
  7: "DATE",
  8: "MONEY",
  10: "DATETIME",
  11: "BYTE",
  12: "TEXT",
  13: "VARCHAR",
  14: "INTERVAL",
  15: "NCHAR",
  16: "NVARCHAR",
  17: "INT8",
  18: "SERIAL8",
  52: "BIGINT",
  53: "BIGSERIAL"
}
const extendedNames: Readonly<Record<number, string>> = { 1: "LVARCHAR", 5: "BOOLEAN", 10: "BLOB", 11: "CLOB" }

/** Digits of the fixed-size numeric types (IfxTypes' IfxTypeToDecDigits table). */
const fixedPrecision: Readonly<Record<number, number>> = {
  1: 5,
  2: 10,
  3: 15,
  4: 7,
  6: 10,
  7: 10,
  17: 19,
  18: 19,
  52: 19,
  53: 19
}

/** Bytes of a value of the fixed-size types (their C representation, as ESQL/C buffers them). */
const fixedBytes: Readonly<Record<number, number>> = {
  1: 2,
  2: 4,
  3: 8,
  4: 4,
  6: 4,
  7: 4,
  17: 8,
  18: 8,
  52: 8,
  53: 8
}

const n = (v: unknown) => Number(v ?? 0)
const base = (coltype: unknown) => n(coltype) & 0xff
const isCharacter = (code: number) => code === 0 || code === 13 || code === 15 || code === 16
const isDecimal = (code: number) => code === 5 || code === 8

export const registerMetadataFunctions = (db: DatabaseSync) => {
  const fn = (name: string, f: (...args: Array<unknown>) => unknown) =>
    db.function(name, { deterministic: true, varargs: true }, f as never)
  fn("get_data_type", (coltype, xid) => extendedJdbcTypes[n(xid)] ?? jdbcTypes[base(coltype)] ?? 1111)
  fn("schema_coltypename", (coltype, xid) => extendedNames[n(xid)] ?? typeNames[base(coltype)] ?? "UNKNOWN")
  fn("schema_precision", (coltype, xid, collength) => {
    const code = base(coltype)
    const length = n(collength) < 0 ? n(collength) + 65536 : n(collength)
    if (isDecimal(code)) return length >> 8
    if (code === 13 || code === 16) return length & 0xff
    if (fixedPrecision[code] !== undefined) return fixedPrecision[code]
    if (n(xid) === 5) return 1
    return length
  })
  fn("schema_numscale", (coltype, collength) => {
    const code = base(coltype)
    if (isDecimal(code)) return (n(collength) & 0xff) === 255 ? null : n(collength) & 0xff
    return fixedPrecision[code] === undefined ? null : 0
  })
  fn("schema_numprecradix", (coltype) => {
    const code = base(coltype)
    return isDecimal(code) || fixedPrecision[code] !== undefined ? 10 : null
  })
  fn("schema_isnullable", (coltype) => ((n(coltype) & 0x100) !== 0 ? 0 : 1))
  fn("schema_nullable", (coltype) => ((n(coltype) & 0x100) !== 0 ? "NO" : "YES"))
  fn("schema_isautoincr", (coltype) => ([6, 18, 53].includes(base(coltype)) ? "YES" : "NO"))
  fn("get_default_value", (_coltype, _xid, _collength, value) => (value === null ? null : String(value).trim()))
  fn("schema_datetype", (coltype, collength) => (base(coltype) === 10 || base(coltype) === 14 ? n(collength) : null))
  // getProcedureColumns: LENGTH (bytes of a value) and the routine's parameter / return type lists, which JDBC
  // splits at commas to name each row's TYPE_NAME (IfxDatabaseMetaData.processProcName).
  fn("schema_bufflen", (coltype, collength) => {
    const code = base(coltype)
    const length = n(collength) < 0 ? n(collength) + 65536 : n(collength)
    if (isDecimal(code)) return (length >> 8) + 2
    if (code === 13 || code === 16) return length & 0xff
    return fixedBytes[code] ?? length
  })
  fn(
    "ifx_param_types",
    (procid) =>
      (db.prepare("SELECT paramtypes FROM sysprocedures WHERE procid = ?").get(n(procid)) as
        | { paramtypes: string | null }
        | undefined)?.paramtypes ?? ""
  )
  fn("ifx_ret_types", (procid) =>
    (db.prepare(
      "SELECT paramtype, paramlen, paramxid FROM sysproccolumns WHERE procid = ? AND paramattr IN (3, 5) " +
        "ORDER BY paramid"
    ).all(n(procid)) as Array<{ paramtype: number; paramlen: number; paramxid: number }>).map((c) => {
      const xid = n(c.paramxid)
      const length = n(c.paramlen) < 0 ? n(c.paramlen) + 65536 : n(c.paramlen)
      return typeName({ code: n(c.paramtype), length, xid, xname: xid === 0 ? "" : builtinXname(xid) }).toLowerCase()
    }).join(","))
  fn("schema_charlen", (coltype, _xid, collength) => {
    const code = base(coltype)
    if (!isCharacter(code)) return null
    return code === 13 || code === 16 ? n(collength) & 0xff : n(collength)
  })
}
