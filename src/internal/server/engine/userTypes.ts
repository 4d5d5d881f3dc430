/**
 * User-defined types (docs/sql-subset.md "Extended types"): `CREATE DISTINCT TYPE name AS base`, `CREATE ROW TYPE
 * name (fields)`, `CREATE OPAQUE TYPE name (INTERNALLENGTH = …)`, `DROP TYPE name [RESTRICT]`, `DROP ROW TYPE name
 * [RESTRICT]`, and the catalog tables IBM JDBC queries to resolve type names (JDBC-COMPLEX-TYPES.md §11):
 * `sysxtdtypes` (one row per extended type, the built-in opaque ones included), `sysattrtypes` (the fields of named
 * ROW types, pre-order) and `sysxtdtypeauth` (USAGE, granted to public).
 *
 * A DISTINCT type is its base with its own extended id and name and the 0x0800 flag: stored, compared and encoded as
 * the base, described as IBM JDBC reads it (base code | 0x0800, the distinct's xid and name, sourceType = the base's
 * xid). A named ROW is a ROW with the 0x1000 flag whose extended name is the type's name. An opaque type's values are
 * bytes (a bind, or the text of a literal cast to it: this server has no input functions).
 *
 * Error codes are IBM's message catalogue (in the JDBC jar): −9996 / −9991 / −9631 a DISTINCT / ROW / opaque type
 * of that name exists, −9628 type not found, −9992 named row type not found, −9630 still in use, −9640 a distinct
 * type is defined over it, −9641 DROP TYPE only drops opaque or distinct types, −9656 cannot create a distinct type
 * of that type.
 */
import type { DatabaseSync } from "node:sqlite"
import { CodecFailure } from "../../values/CodecFailure.ts"
import { type ComplexType, type CompositeType, describeType } from "../../values/collections.ts"
import { parseComplexType } from "../../values/complexTypeText.ts"
import { DISTINCT_FLAG, ExtendedId, NAMED_ROW_FLAG, TypeCode } from "../../values/typeCodes.ts"
import { catalogTable, createCatalogTables } from "./catalog.ts"
import { complexIfxType, compositeCode, nextExtendedId } from "./complexTypes.ts"
import { engineError } from "./engineErrors.ts"
import { type ExtensionHost, type ExtensionPlan, ok, qualifiedName } from "./extension.ts"
import { matchParen, type Token, tokenize } from "./tokenizer.ts"
import { isPunct, isWord } from "./tokenScan.ts"
import { type TranslateError, translateError } from "./translate.ts"
import {
  builtinXname,
  FIRST_USER_XID,
  type IfxType,
  parseType,
  storageXid,
  Types,
  type UserTypeResolver
} from "./types.ts"

// Catalog tabids as in IBM's catalog (sysxtdtypes 23 … are guessed from the system catalog's order; clients look
// tables up by name).
const userTypeTables = () => [
  catalogTable("sysxtdtypes", 23, [
    ["extended_id", Types.integer],
    ["domain", Types.char(1)],
    ["mode", Types.char(1)],
    ["owner", Types.char(32)],
    ["name", Types.varchar(128)],
    ["type", Types.smallint],
    ["source", Types.integer],
    ["maxlen", Types.integer],
    ["length", Types.integer],
    ["byvalue", Types.char(1)],
    ["cannothash", Types.char(1)],
    ["align", Types.smallint],
    ["locator", Types.integer]
  ]),
  catalogTable("sysattrtypes", 24, [
    ["extended_id", Types.integer],
    ["seqno", Types.smallint],
    ["levelno", Types.smallint],
    ["parent_no", Types.smallint],
    ["fieldname", Types.varchar(128)],
    ["fieldno", Types.smallint],
    ["type", Types.smallint],
    ["length", Types.smallint],
    ["xtd_type_id", Types.integer]
  ]),
  catalogTable("sysxtdtypeauth", 26, [
    ["grantor", Types.char(32)],
    ["grantee", Types.char(32)],
    ["type", Types.integer],
    ["auth", Types.char(2)]
  ])
]

const builtins = (): ReadonlyArray<IfxType> => [
  Types.lvarchar(2048),
  Types.boolean,
  Types.blob,
  Types.clob,
  Types.json,
  Types.bson
]

/** Creates the tables and the built-in types' rows (also in databases made before they existed); idempotent. */
export const bootstrapUserTypes = (db: DatabaseSync, dbname: string, today: number): void => {
  createCatalogTables(db, userTypeTables(), dbname, today)
  const present = db.prepare("SELECT 1 FROM sysxtdtypes WHERE extended_id = ?")
  for (const t of builtins()) {
    if (present.get(t.xid) !== undefined) continue
    insertType(db, {
      xid: t.xid,
      mode: "B",
      owner: "informix",
      name: t.xname,
      type: t.code,
      source: 0,
      length: t.length
    })
  }
}

interface TypeRow {
  readonly xid: number
  /** 'B' opaque (built-in or user), 'D' distinct, 'R' named ROW. */
  readonly mode: "B" | "D" | "R"
  readonly owner: string
  readonly name: string
  readonly type: number
  readonly source: number
  readonly length: number
}

const insertType = (db: DatabaseSync, row: TypeRow): void => {
  db.prepare(
    "INSERT INTO sysxtdtypes (extended_id, domain, mode, owner, name, type, source, maxlen, length, byvalue, " +
      "cannothash, align, locator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'f', 'f', 4, 0)"
  ).run(
    row.xid,
    row.mode === "B" ? "U" : row.mode,
    row.mode,
    row.owner,
    row.name,
    row.type,
    row.source,
    row.length,
    row.length
  )
  db.prepare("INSERT INTO sysxtdtypeauth (grantor, grantee, type, auth) VALUES (?, 'public', ?, '-u')").run(
    row.owner,
    row.xid
  )
}

interface StoredRow {
  readonly extended_id: number
  readonly mode: string
  readonly name: string
  readonly type: number
  readonly source: number
  readonly length: number
}

const hasCatalog = (db: DatabaseSync): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sysxtdtypes'").get() !== undefined

const rowTypeText = (db: DatabaseSync, xid: number): CompositeType | undefined => {
  const row = db.prepare("SELECT name FROM _ifx_xtdtypes WHERE extended_id = ?").get(xid) as
    | { name: string }
    | undefined
  const parsed = row === undefined ? undefined : parseComplexType(row.name)
  return parsed === undefined || parsed instanceof CodecFailure ? undefined : parsed
}

const typeOfRow = (db: DatabaseSync, row: StoredRow, depth: number): IfxType | undefined => {
  const xid = Number(row.extended_id)
  const name = row.name.trim()
  switch (row.mode.trim()) {
    case "D": {
      const source = Number(row.source)
      const base = source === 0
        ? { code: Number(row.type), length: Number(row.length), xid: 0, xname: "" }
        : depth < 8
        ? typeById(db, source, depth + 1)
        : undefined
      if (base === undefined) return undefined
      return { ...base, xid, xname: name, flags: DISTINCT_FLAG, source: storageXid(base) }
    }
    case "R": {
      const fields = rowTypeText(db, xid)
      if (fields === undefined || fields._tag !== "Row") return undefined
      const complex: CompositeType = { ...fields, name }
      return { ...complexIfxType(complex, xid), xname: name, flags: NAMED_ROW_FLAG }
    }
    default: {
      const builtin = builtinXname(xid)
      if (builtin === "lvarchar") return Types.lvarchar(Number(row.length))
      return { code: Number(row.type), length: Number(row.length), xid, xname: builtin === "" ? name : builtin }
    }
  }
}

const typeById = (db: DatabaseSync, xid: number, depth = 0): IfxType | undefined => {
  if (!hasCatalog(db)) return undefined
  const row = db.prepare("SELECT extended_id, mode, name, type, source, length FROM sysxtdtypes WHERE extended_id = ?")
    .get(xid) as StoredRow | undefined
  return row === undefined ? undefined : typeOfRow(db, row, depth)
}

/** The type of a catalog column whose extended id is a user type (syscolumns.extended_id), else undefined. */
export const userTypeById = (db: DatabaseSync, xid: number): IfxType | undefined =>
  xid >= FIRST_USER_XID ? typeById(db, xid) : undefined

/** The user type of that name (case-insensitive), else undefined. */
export const userTypeByName = (db: DatabaseSync, name: string): IfxType | undefined => {
  if (!hasCatalog(db)) return undefined
  const row = db.prepare(
    "SELECT extended_id, mode, name, type, source, length FROM sysxtdtypes WHERE lower(name) = lower(?) AND extended_id >= ?"
  ).get(name, FIRST_USER_XID) as StoredRow | undefined
  return row === undefined ? undefined : typeOfRow(db, row, 0)
}

/** A resolver for {@link parseType} over one database's catalog. */
export const userTypeResolver = (db: DatabaseSync): UserTypeResolver => (name) => userTypeByName(db, name)

// ---------------------------------------------------------------------------------------------------------------
// DDL
// ---------------------------------------------------------------------------------------------------------------

// sqlstype values: not captured from a real server (guessed, docs/protocol-evidence.md); clients read them only as
// "not a SELECT".
const STMT_CREATE_TYPE = 80
const STMT_DROP_TYPE = 81

const plan = (
  statementType: number,
  run: (host: ExtensionHost) => ReturnType<ExtensionPlan["run"]>
): ExtensionPlan => ({
  kind: "extension",
  statementType,
  writes: "permanent",
  tables: [],
  run: (host) => run(host)
})

const existsError = (mode: TypeRow["mode"], name: Token) =>
  engineError(mode === "D" ? -9996 : mode === "R" ? -9991 : -9631, { parameter: name.text, offset: name.offset })

const create = (mode: TypeRow["mode"], name: Token, type: IfxType, row: CompositeType | undefined): ExtensionPlan =>
  plan(STMT_CREATE_TYPE, (host) => {
    if (userTypeByName(host.db, name.text) !== undefined || builtinNames.has(name.upper)) return existsError(mode, name)
    host.inStatementSavepoint(() => {
      const xid = nextExtendedId(host.db)
      const typeName = name.delimited === true ? name.text : name.text.toLowerCase()
      if (row !== undefined) {
        host.db.prepare("INSERT INTO _ifx_xtdtypes (extended_id, type, name) VALUES (?, ?, ?)").run(
          xid,
          TypeCode.ROW,
          describeFields(row)
        )
        insertAttributes(host.db, xid, row)
      }
      insertType(host.db, {
        xid,
        mode,
        owner: host.user,
        name: typeName,
        type: type.code,
        // sysxtdtypes.source: the base's own extended id (a DISTINCT over a DISTINCT names that type).
        source: mode === "D" ? type.xid : 0,
        length: type.length
      })
    })
    host.catalogChanged()
    return ok
  })

const builtinNames = new Set(["LVARCHAR", "BOOLEAN", "BLOB", "CLOB", "JSON", "BSON"])

/** The text `row(f type, …)` of a ROW's fields, which complexTypes.ts parses back. */
const describeFields = (row: CompositeType): string =>
  describeType(row._tag === "Row" ? { ...row, name: undefined } : row)

/** sysattrtypes rows of a named ROW, pre-order: the ROW at level 0, its fields at 1, nested types deeper. */
const insertAttributes = (db: DatabaseSync, xid: number, row: CompositeType): void => {
  const insert = db.prepare(
    "INSERT INTO sysattrtypes (extended_id, seqno, levelno, parent_no, fieldname, fieldno, type, length, xtd_type_id) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
  )
  let seqno = 0
  const walk = (
    t: ComplexType,
    level: number,
    parent: number,
    fieldName: string,
    fieldNo: number
  ): void => {
    const own = ++seqno
    const code = t._tag === "Scalar" ? t.code : compositeCode(t)
    insert.run(
      xid,
      own,
      level,
      parent,
      fieldName,
      fieldNo,
      code,
      t._tag === "Scalar" ? t.length : 0,
      t._tag === "Scalar" ? t.extendedId : 0
    )
    if (t._tag === "Row") t.fields.forEach((f, i) => walk(f.type, level + 1, own, f.name, i + 1))
    else if (t._tag === "Collection") walk(t.element, level + 1, own, "", 0)
  }
  walk(row, 0, 0, "", 0)
}

const parseOpaque = (tokens: ReadonlyArray<Token>, i: number, end: number): IfxType | number => {
  // (INTERNALLENGTH = VARIABLE | n [, MAXLEN = m] [, other modifiers])
  if (!isPunct(tokens[i], "(")) return tokens[i]?.offset ?? 0
  const close = matchParen(tokens, i)
  if (close < 0 || close + 1 !== end) return tokens[i]!.offset
  let variable: boolean | undefined
  let length = 0
  let maxlen = 2048
  for (let j = i + 1; j < close; j++) {
    const word = tokens[j]!
    if (tokens[j + 1]?.text !== "=") continue
    const value = tokens[j + 2]
    if (isWord(word, "INTERNALLENGTH")) {
      if (isWord(value, "VARIABLE")) variable = true
      else if (value?.kind === "number") {
        variable = false
        length = Number(value.text)
      } else return value?.offset ?? word.offset
    } else if (isWord(word, "MAXLEN") && value?.kind === "number") maxlen = Number(value.text)
  }
  if (variable === undefined) return tokens[i]!.offset
  return variable
    ? { code: TypeCode.UDTVAR, length: maxlen, xid: 0, xname: "" }
    : { code: TypeCode.UDTFIXED, length, xid: 0, xname: "" }
}

/** DROP TYPE / DROP ROW TYPE name [RESTRICT]. */
const drop = (name: Token, row: boolean): ExtensionPlan =>
  plan(STMT_DROP_TYPE, (host) => {
    const found = userTypeByName(host.db, name.text)
    const at = { parameter: name.text, offset: name.offset }
    if (found === undefined) return engineError(row ? -9992 : -9628, at)
    const isRow = ((found.flags ?? 0) & NAMED_ROW_FLAG) !== 0
    if (isRow !== row) return engineError(row ? -9992 : -9641, at)
    if (host.db.prepare("SELECT 1 FROM syscolumns WHERE extended_id = ?").get(found.xid) !== undefined) {
      return engineError(-9630, at)
    }
    if (host.db.prepare("SELECT 1 FROM sysxtdtypes WHERE mode = 'D' AND source = ?").get(found.xid) !== undefined) {
      return engineError(-9640, at)
    }
    host.inStatementSavepoint(() => {
      for (const table of ["sysxtdtypes", "sysattrtypes", "_ifx_xtdtypes"]) {
        host.db.prepare(`DELETE FROM ${table} WHERE extended_id = ?`).run(found.xid)
      }
      host.db.prepare("DELETE FROM sysxtdtypeauth WHERE type = ?").run(found.xid)
    })
    host.catalogChanged()
    return ok
  })

/** CREATE DISTINCT / ROW / OPAQUE TYPE and DROP [ROW] TYPE; undefined for other statements. */
export const planUserType = (
  tokens: ReadonlyArray<Token>,
  end: number,
  userType: UserTypeResolver
): ExtensionPlan | TranslateError | undefined => {
  const verb = tokens[0]!.upper
  if (verb === "DROP") {
    const row = isWord(tokens[1], "ROW") && isWord(tokens[2], "TYPE")
    if (!row && !isWord(tokens[1], "TYPE")) return undefined
    const q = qualifiedName(tokens, row ? 3 : 2)
    if (q === undefined) return translateError(-201, tokens[row ? 3 : 2]?.offset ?? 0)
    const next = isWord(tokens[q.next], "RESTRICT") ? q.next + 1 : q.next
    if (next < end) return translateError(-201, tokens[next]!.offset)
    return drop(q.name, row)
  }
  if (verb !== "CREATE") return undefined
  const kind = tokens[1]?.upper
  if ((kind !== "DISTINCT" && kind !== "ROW" && kind !== "OPAQUE") || !isWord(tokens[2], "TYPE")) return undefined
  const q = qualifiedName(tokens, 3)
  if (q === undefined) return translateError(-201, tokens[3]?.offset ?? 0)
  const name = q.name
  switch (kind) {
    case "DISTINCT": {
      if (!isWord(tokens[q.next], "AS")) return translateError(-201, tokens[q.next]?.offset ?? name.end)
      const parsed = parseType(tokens, q.next + 1, userType)
      if ("offset" in parsed) return translateError(-201, parsed.offset)
      if (parsed.next !== end) return translateError(-201, tokens[parsed.next]!.offset)
      const base = parsed.type
      // Collections, ROWs and the large-object types have no DISTINCT form here (IBM allows some; not modelled).
      if (
        base.complex !== undefined || base.code === TypeCode.BYTE || base.code === TypeCode.TEXT ||
        base.code === TypeCode.SERIAL || base.code === TypeCode.SERIAL8 || base.code === TypeCode.BIGSERIAL ||
        storageXid(base) === ExtendedId.BLOB || storageXid(base) === ExtendedId.CLOB
      ) {
        return translateError(-9656, tokens[q.next + 1]!.offset, tokens[q.next + 1]!.text)
      }
      return create("D", name, base, undefined)
    }
    case "ROW": {
      if (!isPunct(tokens[q.next], "(")) return translateError(-201, tokens[q.next]?.offset ?? name.end)
      const close = matchParen(tokens, q.next)
      if (close < 0) return translateError(-201, tokens[q.next]!.offset)
      if (close + 1 !== end && !isWord(tokens[close + 1], "UNDER")) {
        return translateError(-201, tokens[close + 1]!.offset)
      }
      if (close + 1 !== end) return translateError(-201, tokens[close + 1]!.offset, "UNDER")
      const text = `row(${tokens.slice(q.next + 1, close).map((t) => t.text).join(" ")})`
      const parsed = parseComplexType(text)
      if (parsed instanceof CodecFailure || parsed._tag !== "Row") return translateError(-201, tokens[q.next]!.offset)
      return create("R", name, complexIfxType(parsed), parsed)
    }
    default: {
      const opaque = parseOpaque(tokens, q.next, end)
      if (typeof opaque === "number") return translateError(-201, opaque)
      return create("B", name, opaque, undefined)
    }
  }
}

/**
 * `CREATE TABLE t OF TYPE row_type [(constraints)]` at tokens[i] (`OF`): the same statement with the named ROW's
 * fields as its columns (a typed table), or the error: −9992 for a name that is not a named ROW type.
 */
export const typedTableTokens = (
  tokens: ReadonlyArray<Token>,
  i: number,
  end: number,
  userType: UserTypeResolver | undefined
): ReadonlyArray<Token> | TranslateError => {
  const q = qualifiedName(tokens, i + 2)
  if (q === undefined) return translateError(-201, tokens[i + 2]?.offset ?? tokens[i]!.offset)
  const type = userType?.(q.name.text)
  if (type?.complex?._tag !== "Row" || ((type.flags ?? 0) & NAMED_ROW_FLAG) === 0) {
    return translateError(-9992, q.name.offset, q.name.text)
  }
  let constraints: ReadonlyArray<Token> = []
  if (q.next < end) {
    const close = isPunct(tokens[q.next], "(") ? matchParen(tokens, q.next) : -1
    if (close + 1 !== end) return translateError(-201, tokens[q.next]!.offset)
    constraints = tokens.slice(q.next + 1, close)
  }
  const fields = tokenize(type.complex.fields.map((f) => `${f.name} ${describeType(f.type)}`).join(", "))
  if (!Array.isArray(fields)) return translateError(-201, q.name.offset)
  const at = (t: Token): Token => ({ ...t, offset: tokens[i]!.offset, end: tokens[i]!.end })
  const punct = (text: string): Token => ({
    kind: "punct",
    text,
    upper: text,
    offset: tokens[i]!.offset,
    end: tokens[i]!.end
  })
  return [
    ...tokens.slice(0, i),
    punct("("),
    ...fields.filter((t) => t.kind !== "end").map(at),
    ...(constraints.length > 0 ? [punct(","), ...constraints] : []),
    punct(")"),
    ...tokens.slice(end)
  ]
}
