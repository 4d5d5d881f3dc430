/**
 * The effect/sql Statement compiler for Informix.
 *
 * effect's `Dialect` union is closed ("sqlite" | "pg" | "mysql" | "mssql" | "clickhouse"), so the compiler reports
 * "sqlite": of the five it is the one whose generic branches match Informix best (`?` placeholders, the plain
 * `(cols) VALUES (...)` insert shape, and the subquery form for an empty `IN`). Everything where Informix differs is
 * overridden through the compiler hooks below, and the few things the hooks cannot reach are rewritten after
 * compilation (see `rewriteEmptyInSubquery`).
 *
 * @internal
 */
import * as Statement from "effect/sql/Statement"
import { batchMarker, placeholderGroups } from "./batchInsert.ts"

/** Options that decide how identifiers are rendered. */
export interface CompilerOptions {
  /**
   * Whether the server session runs with `DELIMIDENT` set. Only then does Informix read `"name"` as an identifier;
   * without it a double-quoted token is a string literal, so quoting would silently change the statement.
   */
  readonly delimident?: boolean | undefined
  /** Name transform applied to identifiers (e.g. camelCase → snake_case), as in the other effect/sql drivers. */
  readonly transformQueryNames?: ((name: string) => string) | undefined
}

/**
 * An identifier Informix reads the same way quoted or not. Unquoted names are folded to lowercase by the server, so
 * a name that is already lowercase means the same thing in both DELIMIDENT modes and never needs quotes.
 */
const plainLowercase = /^[a-z_][a-z0-9_$]*$/

/** An identifier Informix accepts unquoted (it folds the case). */
const plainAnyCase = /^[A-Za-z_][A-Za-z0-9_$]*$/

/**
 * A `database:` or `database@server:` qualifier in front of a table name (Informix's cross-database syntax). It is
 * kept as written: it names a database, which DELIMIDENT does not affect.
 */
const databaseQualifier = /^([A-Za-z_][A-Za-z0-9_$]*(@[A-Za-z_][A-Za-z0-9_$]*)?:)(.*)$/s

/** Thrown (and therefore surfaced as a defect when the statement runs) for SQL Informix cannot express. */
export class InformixCompileError extends Error {
  override readonly name = "InformixCompileError"
}

const quote = (part: string): string => `"${part.replace(/"/g, "\"\"")}"`

/**
 * Renders one identifier (possibly `owner.table.column` dotted, possibly `db:table`).
 *
 * - plain lowercase parts are emitted as-is in both modes;
 * - with DELIMIDENT every other part is double-quoted (case and special characters are then preserved);
 * - without DELIMIDENT a plain mixed-case part is emitted as-is (Informix folds it to lowercase, exactly what it does
 *   with the same name in DDL), and a part that would need quoting is rejected: there is no way to write it.
 */
export const escapeIdentifier = (identifier: string, delimident: boolean): string => {
  let prefix = ""
  let rest = identifier
  const qualified = databaseQualifier.exec(identifier)
  if (qualified !== null) {
    prefix = qualified[1]!
    rest = qualified[3]!
  }
  const parts = rest.split(".")
  let out = prefix
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (i > 0) out += "."
    if (plainLowercase.test(part)) {
      out += part
    } else if (delimident) {
      out += quote(part)
    } else if (plainAnyCase.test(part)) {
      out += part
    } else {
      throw new InformixCompileError(
        `Identifier ${JSON.stringify(identifier)} cannot be written without DELIMIDENT: ` +
          `enable the delimident option (and DELIMIDENT in the session environment) or rename it`
      )
    }
  }
  return out
}

const noReturning = (helper: string): never => {
  throw new InformixCompileError(
    `Informix has no RETURNING clause (${helper}). Read generated SERIAL values from the statement's raw result ` +
      "(sql`...`.raw → { serial, serial8 }) or with DBINFO('sqlca.sqlerrd1') in the same session"
  )
}

/**
 * Informix does not accept `SELECT` without `FROM`, which is how effect renders an empty `IN (...)` for its generic
 * dialects. `systables` exists in every Informix database (it is the catalog), so an always-false subquery over it
 * has the same meaning: `x IN (<empty>)` is false and `x NOT IN (<empty>)` is true for every row.
 */
const genericEmptyIn = "(SELECT NULL WHERE 1=0)"
const informixEmptyIn = "(SELECT NULL FROM systables WHERE 1=0)"

const rewriteEmptyInSubquery = (sql: string): string =>
  sql.includes(genericEmptyIn) ? sql.split(genericEmptyIn).join(informixEmptyIn) : sql

/**
 * A custom fragment: one bound value followed by an Informix cast, `?::TYPE`. Useful where the server cannot infer
 * a parameter's type (e.g. a `?` in a select list or in `CASE`) or to force DECIMAL/DATETIME precision.
 */
export interface InformixCast extends Statement.Custom<"InformixCast", unknown, string> {}

/** Builds an `InformixCast` segment. */
export const informixCast = Statement.custom<InformixCast>("InformixCast")

/** Matches Informix type names a cast may name: letters, digits, spaces, parentheses, commas and `_`. */
const castTypePattern = /^[A-Za-z][A-Za-z0-9_ ]*(\([0-9 ,]+\))?( [A-Za-z][A-Za-z0-9_ ]*(\([0-9 ,]+\))?)*$/

/** Checks a cast target before it is spliced into SQL text (it is code, not a parameter). */
export const validateCastType = (type: string): string => {
  const trimmed = type.trim()
  if (!castTypePattern.test(trimmed)) {
    throw new InformixCompileError(`Not an Informix type name: ${JSON.stringify(type)}`)
  }
  return trimmed
}

/** The Informix compiler. */
export const makeCompiler = (options?: CompilerOptions): Statement.Compiler => {
  const delimident = options?.delimident === true
  const transform = options?.transformQueryNames
  const escape = (name: string) => escapeIdentifier(name, delimident)
  const inner = Statement.makeCompiler<InformixCast>({
    dialect: "sqlite",
    placeholder: () => "?",
    onIdentifier: transform === undefined
      ? escape
      : (value, withoutTransform) => withoutTransform ? escape(value) : escape(transform(value)),
    onInsert: (columns, placeholders, values, returning) => {
      if (returning !== undefined) noReturning("sql.insert(...).returning")
      if (values.length > 1) {
        // Informix has no multi-row VALUES (and INSERT ... SELECT ... UNION ALL needs typed select lists the server
        // cannot infer from `?`): the rows run as a batch of one statement (batchInsert.ts).
        const groups = placeholderGroups(placeholders)
        if (groups.some((group) => group !== groups[0])) {
          throw new InformixCompileError(
            `sql.insert of ${values.length} rows needs the same placeholders in every row (a cast in some rows only ` +
              "cannot be batched); insert such rows one by one"
          )
        }
        return [
          `(${columns.join(",")}) VALUES ${batchMarker(values.length, columns.length)}${groups[0]}`,
          values.flat()
        ]
      }
      return [`(${columns.join(",")}) VALUES ${placeholders}`, values.flat()]
    },
    onRecordUpdateSingle: (columns, values, returning) => {
      if (returning !== undefined) noReturning("sql.update(...).returning")
      return [columns.map((column) => `${column} = ?`).join(", "), values]
    },
    onRecordUpdate: () => {
      throw new InformixCompileError(
        "sql.updateValues is not supported on Informix (it needs UPDATE ... FROM (VALUES ...), which Informix " +
          "lacks); update the rows one by one with sql.update inside sql.withTransaction"
      )
    },
    onCustom: (custom, placeholder) => {
      switch (custom.kind) {
        case "InformixCast":
          return [`${placeholder(custom.paramA)}::${validateCastType(custom.paramB)}`, [custom.paramA]]
      }
    }
  })
  return wrap(inner)
}

type Compiled = readonly [sql: string, params: ReadonlyArray<unknown>]

/**
 * A statement of literal text and bound values only — most statements (`` sql`... ${value} ...` ``, `sql.unsafe`) —
 * rendered as effect's compiler renders those two segments (the text as written, `?` and the value for a parameter,
 * a literal's own parameters after its text), or `undefined` when it has any other segment. Neither depends on the
 * name transforms. This skips what effect's compiler does per statement on its way to the same result: three
 * closures for the helpers and a `WeakMap` entry for its per-statement cache, which for a statement run once is only
 * work for the garbage collector (an ephemeron per statement): building and compiling a new one-parameter statement
 * took 810 ns with it and takes 110 without. A statement run again is rendered again instead of found in that cache
 * (46 ns instead of 24; docs/benchmarks.md, round 5).
 */
const compilePlain = (statement: Statement.Fragment): Compiled | undefined => {
  const segments = statement.segments
  let sql = ""
  const params: Array<unknown> = []
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!
    switch (segment._tag) {
      case "Literal":
        sql += segment.value
        if (segment.params !== undefined) {
          for (let j = 0; j < segment.params.length; j++) params.push(segment.params[j])
        }
        break
      case "Parameter":
        sql += "?"
        params.push(segment.value)
        break
      default:
        return undefined
    }
  }
  return [sql, params]
}

/**
 * Wraps effect's compiler so that the post-compilation rewrite also applies to its `withoutTransform` copy. Plain
 * statements are rendered here (`compilePlain`); the others go to effect's compiler, which caches per fragment (the
 * rewrite is a cheap substring check).
 */
const wrap = (inner: Statement.Compiler): Statement.Compiler => {
  let withoutTransform: Statement.Compiler | undefined
  const self: Statement.Compiler = {
    dialect: inner.dialect,
    compile: (statement, withoutTransformFlag) => {
      const compiled = compilePlain(statement) ?? inner.compile(statement, withoutTransformFlag)
      const rewritten = rewriteEmptyInSubquery(compiled[0])
      return rewritten === compiled[0] ? compiled : [rewritten, compiled[1]]
    },
    get withoutTransform() {
      withoutTransform ??= wrap(inner.withoutTransform)
      return withoutTransform
    }
  }
  return self
}
