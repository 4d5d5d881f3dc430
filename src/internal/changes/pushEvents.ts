/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * Push-data documents → smart-trigger events. One SQ_LODATA read of a push session's fd returns one JSON document
 * (JDBC-PAM-TRIGGERS-CDC.md §2.3–§2.4): an event of a registered label, or one of the special documents
 * `ifx_isTimeout` (nothing for the session's timeout), `ifx_warn_total_skipcount` (the server discarded events over
 * max_pending_ops: its running total) and `ifx_error` (the read was too small for the next document).
 *
 * The event document's fields beyond `label` and `rowdata` are documented by HCL's example only
 * (operation / table / owner / database / txnid / commit_time / op_num, `before_rowdata` beside an update's
 * rowdata) [inferred]: every field is optional here and unknown ones are ignored, so a server that sends more or
 * fewer still yields events.
 *
 * @internal
 */
import type { TriggerDelete, TriggerInsert, TriggerUpdate } from "../../InformixChanges.ts"

type Row = Record<string, unknown>

/** What a document becomes: an event, a skip total to turn into a Skipped event, nothing, or a failure. */
export type PushDocument =
  | { readonly _tag: "Event"; readonly event: TriggerInsert<Row> | TriggerUpdate<Row> | TriggerDelete<Row> }
  | { readonly _tag: "Timeout" }
  | { readonly _tag: "SkipCount"; readonly total: number }
  | { readonly _tag: "Failure"; readonly message: string }

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)
const num = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined
const record = (v: unknown): Row | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Row) : undefined

/** One read's bytes (JDBC trims the buffer, trailing NULs included) as a document. */
export const parsePushDocument = (bytes: Uint8Array): PushDocument | undefined => {
  const raw = new TextDecoder().decode(bytes).replace(/\0+$/, "").trim()
  if (raw === "") return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return { _tag: "Failure", message: `the server sent a push document that is not JSON: ${raw.slice(0, 200)}` }
  }
  const doc = record(parsed)
  if (doc === undefined) return { _tag: "Failure", message: `the server sent a push document that is not an object` }
  if ("ifx_isTimeout" in doc) return { _tag: "Timeout" }
  if ("ifx_warn_total_skipcount" in doc) return { _tag: "SkipCount", total: num(doc["ifx_warn_total_skipcount"]) ?? 0 }
  if ("ifx_error" in doc) return { _tag: "Failure", message: `the server reported: ${String(doc["ifx_error"])}` }
  const rowdata = record(doc["rowdata"])
  const label = text(doc["label"])
  if (rowdata === undefined || label === undefined) {
    return { _tag: "Failure", message: `a push document without label or rowdata: ${raw.slice(0, 200)}` }
  }
  const time = num(doc["commit_time"])
  const base = {
    label,
    table: text(doc["table"]) ?? "",
    owner: text(doc["owner"]) ?? "",
    database: text(doc["database"]) ?? "",
    transactionId: num(doc["txnid"]),
    commitTime: time === undefined ? undefined : new Date(time * 1000)
  }
  switch (text(doc["operation"])?.toLowerCase()) {
    case "update":
      return {
        _tag: "Event",
        event: { _tag: "Update", ...base, before: record(doc["before_rowdata"]), after: rowdata }
      }
    case "delete":
      return { _tag: "Event", event: { _tag: "Delete", ...base, row: rowdata } }
    default:
      // An insert, or an operation this driver does not know: the row as it is.
      return { _tag: "Event", event: { _tag: "Insert", ...base, row: rowdata } }
  }
}
