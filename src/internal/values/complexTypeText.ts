/**
 * Parse the SQL text of a type into the {@link ComplexType} the in-band type records describe: collections and ROW
 * types (`set(integer not null)`, `list(varchar(20) not null)`, `row(a int, b varchar(10))`, nested) — the text a
 * bind names its type with (JDBC's typed binds send such text, JDBC-COMPLEX-TYPES.md §7.2) and the text a server
 * describes an unnamed ROW or a collection column with — and the scalar column types of a CDC TABSCHEMA record
 * (`cdcRow.ts`), one parser for both.
 */
import * as Option from "effect/Option"
import { Qualifier } from "../../InformixValue.ts"
import { CodecFailure } from "./CodecFailure.ts"
import type { ComplexType, CompositeType } from "./collections.ts"
import { ExtendedId, TypeCode } from "./typeCodes.ts"

type Scalar = Extract<ComplexType, { _tag: "Scalar" }>

const scalar = (code: number, length: number, extendedId = 0, name = ""): Scalar => ({
  _tag: "Scalar",
  code,
  length,
  extendedId,
  name
})

const tokenize = (text: string): Array<string> => text.toLowerCase().match(/[a-z_][a-z0-9_]*|\d+|[(),]/g) ?? []

/** How {@link parseTypeText} reads the scalar names that differ between a collection element and a table column. */
export interface TypeTextOptions {
  /**
   * A table column's type (CDC's TABSCHEMA text): SERIAL, SERIAL8 and BIGSERIAL keep their own type codes, as IBM
   * JDBC's `ComplexTypeParser` maps them (`IfxTypes.FromIfxNameToIfxType`), and a VARCHAR length is taken as the
   * server wrote it. Without it (a collection element or ROW field, as a bind spells it) a serial type is stored as
   * the integer type it counts with, and a VARCHAR needs a length from 1 to 255.
   */
  readonly column?: boolean
}

/** Parse a collection or ROW type's text; a CodecFailure names what is not understood. */
export const parseComplexType = (text: string): CompositeType | CodecFailure => {
  const root = parseTypeText(text)
  if (root instanceof CodecFailure) return root
  if (root._tag === "Scalar") return typeFailure(text, "not a collection or ROW type")
  return root
}

const typeFailure = (text: string, what: string) => new CodecFailure(`type ${JSON.stringify(text)}: ${what}`)

/** Parse a type's text, a scalar type included; a CodecFailure names what is not understood. */
export const parseTypeText = (text: string, options: TypeTextOptions = {}): ComplexType | CodecFailure => {
  const column = options.column === true
  const tokens = tokenize(text)
  let i = 0
  const fail = (what: string) => typeFailure(text, what)
  const peek = () => tokens[i]
  const expect = (token: string): CodecFailure | undefined =>
    tokens[i] === token ? void i++ : fail(`expected "${token}" at ${tokens[i] ?? "the end"}`)
  const numbers = (): Array<number> | CodecFailure => {
    const out: Array<number> = []
    if (peek() !== "(") return out
    i++
    while (peek() !== ")") {
      const n = tokens[i++]
      if (n === undefined || !/^\d+$/.test(n)) return fail(`expected a number at ${n ?? "the end"}`)
      out.push(Number(n))
      if (peek() === ",") i++
    }
    i++
    return out
  }
  /** A qualifier unit with its optional precision: `year`, `day(3)`, `fraction(3)`. */
  const unit = (): string | undefined => {
    const word = tokens[i]
    if (word === undefined || !/^[a-z]+$/.test(word)) return undefined
    i++
    if (peek() !== "(" || !/^\d+$/.test(tokens[i + 1] ?? "") || tokens[i + 2] !== ")") return word
    i += 3
    return `${word}(${tokens[i - 2]})`
  }
  const type = (): ComplexType | CodecFailure => {
    const word = tokens[i++]
    switch (word) {
      case "set":
      case "multiset":
      case "list": {
        const open = expect("(")
        if (open) return open
        const element = type()
        if (element instanceof CodecFailure) return element
        if (peek() === "not") {
          i++
          const isNull = expect("null")
          if (isNull) return isNull
        }
        const close = expect(")")
        if (close) return close
        return { _tag: "Collection", kind: word === "set" ? "SET" : word === "multiset" ? "MULTISET" : "LIST", element }
      }
      case "row": {
        const open = expect("(")
        if (open) return open
        const fields: Array<{ name: string; type: ComplexType }> = []
        while (true) {
          const name = tokens[i++]
          if (name === undefined || !/^[a-z_]/.test(name)) return fail(`expected a field name at ${name ?? "the end"}`)
          const fieldType = type()
          if (fieldType instanceof CodecFailure) return fieldType
          if (peek() === "not") i += 2 // NOT NULL on a field: the values carry NULL in-band anyway
          fields.push({ name, type: fieldType })
          if (peek() !== ",") break
          i++
        }
        const close = expect(")")
        if (close) return close
        return { _tag: "Row", name: undefined, fields }
      }
      case "smallint":
        return scalar(TypeCode.SMALLINT, 2)
      case "int":
      case "integer":
        return scalar(TypeCode.INTEGER, 4)
      case "serial":
        return scalar(column ? TypeCode.SERIAL : TypeCode.INTEGER, 4)
      case "bigint":
        return scalar(TypeCode.BIGINT, 8)
      case "bigserial":
        return scalar(column ? TypeCode.BIGSERIAL : TypeCode.BIGINT, 8)
      case "int8":
        return scalar(TypeCode.INT8, 10)
      case "serial8":
        return scalar(column ? TypeCode.SERIAL8 : TypeCode.INT8, 10)
      case "float":
        return scalar(TypeCode.FLOAT, 8)
      case "double":
        if (peek() === "precision") i++
        return scalar(TypeCode.FLOAT, 8)
      case "smallfloat":
      case "real":
        return scalar(TypeCode.SMALLFLOAT, 4)
      case "date":
        return scalar(TypeCode.DATE, 4)
      case "datetime":
      case "interval": {
        // `year to fraction(3)`, `day(3) to second`, `hour to minute`: the qualifier, packed as its collen.
        const first = unit()
        const text = first !== undefined && peek() === "to" ? (i++, `${first} to ${unit() ?? ""}`) : first ?? ""
        const qualifier = Option.getOrUndefined(Qualifier.parse(text))
        if (qualifier === undefined) return fail(`${word} qualifier "${text}" is not understood`)
        return scalar(word === "datetime" ? TypeCode.DATETIME : TypeCode.INTERVAL, qualifier.encoded)
      }
      case "boolean":
        return scalar(TypeCode.UDTFIXED, 1, ExtendedId.BOOLEAN, "boolean")
      case "lvarchar": {
        const n = numbers()
        if (n instanceof CodecFailure) return n
        return scalar(TypeCode.UDTVAR, n[0] ?? 2048, ExtendedId.LVARCHAR, "lvarchar")
      }
      case "char":
      case "character":
      case "nchar": {
        const n = numbers()
        if (n instanceof CodecFailure) return n
        return scalar(word === "nchar" ? TypeCode.NCHAR : TypeCode.CHAR, n[0] ?? 1)
      }
      case "varchar":
      case "nvarchar": {
        const n = numbers()
        if (n instanceof CodecFailure) return n
        const length = column ? n[0] ?? 1 : n[0]
        if (length === undefined || (!column && (length < 1 || length > 255))) {
          return fail(`${word} needs a length from 1 to 255`)
        }
        return scalar(word === "varchar" ? TypeCode.VARCHAR : TypeCode.NVARCHAR, length | ((n[1] ?? 0) << 8))
      }
      case "decimal":
      case "dec":
      case "numeric":
      case "money": {
        const n = numbers()
        if (n instanceof CodecFailure) return n
        const precision = n[0] ?? 16
        // DECIMAL(p) without a scale is floating (scale byte 255); MONEY(p) has scale 2.
        const scale = n[1] ?? (word === "money" ? 2 : 255)
        if (precision < 1 || precision > 32) return fail(`${word} precision ${precision} is not 1 to 32`)
        return scalar(word === "money" ? TypeCode.MONEY : TypeCode.DECIMAL, (precision << 8) | scale)
      }
      default:
        return fail(`unsupported type ${word ?? "(missing)"}`)
    }
  }
  const root = type()
  if (root instanceof CodecFailure) return root
  if (i !== tokens.length) return fail(`unexpected ${tokens[i]}`)
  return root
}
