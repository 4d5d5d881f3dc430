/**
 * SQ_RET_TYPE before a fetch of a result with SET/MULTISET/LIST/ROW columns: it asks the server for the binary
 * type-44 form of those values (`i32 N` + type records + data, values/collections.ts), which is what IBM JDBC asks
 * for and reads. Without it a real server sends these columns in another form (a UDT envelope, VALUES.md §8.17).
 * Results without such columns send no RET_TYPE, so every other column keeps the form it always had.
 *
 * The other columns of the list follow JDBC's `IfxSqli.sendType` (JDBC-COMPLEX-TYPES.md §3): the base code for
 * built-ins, 43 with empty names for LVARCHAR, 45 for BOOLEAN, 44 for every other extended type.
 *
 * @internal
 */
import type * as Connection from "../../Connection.ts"
import type * as M from "../protocol/messages.ts"
import { ExtendedId, TypeCode } from "../values/typeCodes.ts"
import { nfetch } from "./prebuiltMessages.ts"

const isComplex = (code: number): boolean => code >= TypeCode.SET && code <= TypeCode.ROW

const retTypeColumn = (column: Connection.Column): M.RetTypeColumn => {
  const code = column.type
  const extended = code > TypeCode.SERIAL8 && code !== TypeCode.BIGINT && code !== TypeCode.BIGSERIAL
  if (!extended) return { type: code, encodedLength: column.encodedLength }
  // JDBC chooses by extended id, a DISTINCT column's by its sourceType (the base's id): 1 → 43, 5 → 45, else 44.
  const name = column.extendedName.toLowerCase()
  const xid = column.distinct && column.sourceType > 0 ? column.sourceType : column.extendedId
  if (xid === ExtendedId.LVARCHAR || (!column.distinct && name === "lvarchar")) {
    return { type: TypeCode.LVARCHAR, ownerName: "", typeName: "", encodedLength: column.encodedLength }
  }
  return {
    type: xid === ExtendedId.BOOLEAN || (!column.distinct && name === "boolean") ? TypeCode.BOOLEAN : TypeCode.SENDRECV,
    ownerName: "",
    typeName: column.extendedName,
    encodedLength: column.encodedLength
  }
}

const cache = new WeakMap<ReadonlyArray<Connection.Column>, M.RetType | null>()

/** The RET_TYPE for a result's columns, or undefined when none is a collection or ROW. */
export const retTypeFor = (columns: ReadonlyArray<Connection.Column>): M.RetType | undefined => {
  let cached = cache.get(columns)
  if (cached === undefined) {
    cached = columns.some((c) => isComplex(c.type))
      ? { _tag: "RetType", direction: 1, columns: columns.map(retTypeColumn) }
      : null
    cache.set(columns, cached)
  }
  return cached ?? undefined
}

/** `[RET_TYPE]`: what goes before a fetch (NFETCH or SFETCH) of a result. */
export const retTypeMessages = (columns: ReadonlyArray<Connection.Column>): ReadonlyArray<M.ClientMessage> => {
  const retType = retTypeFor(columns)
  return retType === undefined ? [] : [retType]
}

/** `[RET_TYPE] NFETCH`: the fetch request of a result. */
export const fetchRequest = (
  columns: ReadonlyArray<Connection.Column>,
  bufferSize: number
): ReadonlyArray<M.ClientMessage> => [...retTypeMessages(columns), nfetch(bufferSize)]
