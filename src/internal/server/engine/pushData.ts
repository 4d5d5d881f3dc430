/**
 * The push-data feature of the instance (HCL "Push data feature", the sysadmin `task('pushdata ...')` commands IBM
 * JDBC's IfxSmartTrigger sends, JDBC-PAM-TRIGGERS-CDC.md §2): `EXECUTE FUNCTION informix.task(<command>[, <json>])`
 * in sysadmin, answered with one LVARCHAR row.
 *
 *   pushdata open                  → the push session's smart-LO fd (as text); the session belongs to the connection
 *   pushdata join   {session_id}   → re-attaches a detached session: its fd
 *   pushdata setdetach             → the session survives its connection: its session id
 *   pushdata register {timeout, max_pending_ops, maxrecs}          → the session's options: OK
 *   pushdata register {table, owner, database, query[, label]}     → watches the rows of `query`: OK
 *   pushdata deregister {table, owner, database} | {label}         → OK
 *   pushdata delete {session_id}   → drops a (detachable) session: OK
 *
 * The JSON is relaxed as IBM JDBC writes it (unquoted keys, quoted values, nothing escaped). A failure answers the
 * row `ERROR: <why>` (JDBC turns any answer other than OK into an SQLException carrying it; the texts are
 * TestServer's own, a real server's are not documented where we looked) — a guess recorded in
 * docs/protocol-evidence.md.
 *
 * Events come from the database's change log (changeLog.ts), the one CDC reads: registering a table turns its
 * full-row logging on, so the same statements that change the table log the change in the same SQLite transaction
 * (rolled-back work leaves nothing). At each commit with captured changes (ChangeCapture's notification, the CDC
 * hook) every push session reads the transactions that followed its position, in commit order, evaluates each
 * registration's query on the row image (the after image for insert/update, the before image for delete: the query
 * runs against a one-row CTE named like the table) and queues one JSON document per matching row. A queue holding
 * `max_pending_ops` documents discards what follows and later reports the count (`{"ifx_warn_total_skipcount":n}`,
 * where the loss happened); 0 means unlimited (JDBC's default).
 */
import * as BigDecimal from "effect/BigDecimal"
import type { DatabaseSync, StatementSync } from "node:sqlite"
import { ExtendedId, TypeCode } from "../../values/typeCodes.ts"
import type { EngineError, Prepared, PushReader, Value } from "./api.ts"
import { isEngineError } from "./api.ts"
import { BuiltinCallPrepared, parseBuiltinCall } from "./builtinCall.ts"
import { readTable, type TableInfo } from "./catalog.ts"
import type { ChangeCapture } from "./changeCapture.ts"
import { isLogged, lastLogId, type LoggedChange, nextTransaction, setFullRowLogging } from "./changeLog.ts"
import { isComplexType } from "./complexTypes.ts"
import { engineError } from "./engineErrors.ts"
import type { DatabaseConfig } from "./engineSession.ts"
import { PreparedStatement } from "./prepared.ts"
import { quoteIdent, type Token, tokenize } from "./tokenizer.ts"
import { type IfxType, Types } from "./types.ts"
import { fromStorage, valueText } from "./values.ts"

/** The database the task() function lives in. */
export const PUSH_DATABASE = "sysadmin"

/** Push-session fds: smart-LO fds (u16 on the wire), clear of the low LO fds and of CDC's 0x4001 on. */
const FIRST_FD = 0x2001
const LAST_FD = 0x3fff
/** IBM JDBC's defaults (IfxSmartTrigger): a read waits 60 s. */
const DEFAULT_TIMEOUT = 60
/** IBM JDBC checks an explicit label's length client-side: 32 characters. */
const MAX_LABEL = 32

/** What the registry needs of the engine: an ordinary session on a watched database, to evaluate the queries. */
export interface PushHost {
  readonly database: (name: string) => DatabaseConfig | undefined
  readonly openSession: (database: string, user: string) => EvaluationSession | EngineError
}

/** The part of an engine session the evaluation uses. */
export interface EvaluationSession {
  readonly db: DatabaseSync
  prepare(sql: string): Prepared | EngineError
  close(): void
}

interface Registration {
  readonly label: string
  readonly database: string
  /** The table as the catalog spells it, lower-cased for matching the log. */
  readonly key: string
  readonly table: string
  readonly owner: string
  /** The table's columns in the log image's order (changeLog.ts: the table's order when logging was set). */
  readonly columns: ReadonlyArray<string>
  readonly evaluate: StatementSync
  /** The query without its WHERE (an update's before image). */
  readonly project: StatementSync
  readonly names: ReadonlyArray<string>
  readonly types: ReadonlyArray<IfxType>
}

type Entry = { readonly doc: string } | { skipped: number }

class PushSession implements PushReader {
  readonly fd: number
  owner: object | undefined
  readonly user: string
  detachId: string | undefined = undefined
  timeoutSeconds = DEFAULT_TIMEOUT
  maxPending = 0
  readonly registrations = new Map<string, Registration>()
  /** Per watched database: the last log row read, and the session that evaluates the queries. */
  readonly databases = new Map<string, { position: number; readonly session: EvaluationSession }>()
  readonly queue: Array<Entry> = []
  /** Documents queued (skip reports not counted). */
  pending = 0
  skippedTotal = 0
  private readonly listeners = new Set<() => void>()

  constructor(fd: number, owner: object, user: string) {
    this.fd = fd
    this.owner = owner
    this.user = user
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  next(): string | undefined {
    const head = this.queue[0]
    if (head === undefined) return undefined
    return "doc" in head ? head.doc : `{"ifx_warn_total_skipcount":${head.skipped}}`
  }

  delivered(): void {
    const head = this.queue.shift()
    if (head !== undefined && "doc" in head) this.pending--
  }

  push(doc: string): void {
    if (this.maxPending > 0 && this.pending >= this.maxPending) {
      this.skippedTotal++
      const last = this.queue[this.queue.length - 1]
      // One report per run of losses, carrying the session's running total (IBM: "total skipcount").
      if (last !== undefined && !("doc" in last)) last.skipped = this.skippedTotal
      else this.queue.push({ skipped: this.skippedTotal })
      return
    }
    this.queue.push({ doc })
    this.pending++
  }

  notify(): void {
    for (const listener of Array.from(this.listeners)) listener()
  }

  close(): void {
    for (const d of this.databases.values()) d.session.close()
    this.databases.clear()
    this.registrations.clear()
    this.notify()
  }
}

/**
 * Relaxed JSON as IBM JDBC writes it: `{key:"value", key2:"v"}` (unquoted or quoted keys, string or number values,
 * nothing escaped — a query's own `"` ends its value, as on a real server). Undefined: not such a document.
 */
export const parseRelaxedJson = (text: string): Record<string, string> | undefined => {
  const body = text.trim()
  if (!body.startsWith("{") || !body.endsWith("}")) return undefined
  if (/^\{\s*\}$/.test(body)) return {}
  const out: Record<string, string> = {}
  // One `key: value` and what follows it (`,` or the closing `}`); keys and values quoted or bare.
  const field = /\s*(?:"([^"]*)"|([A-Za-z_][\w$]*))\s*:\s*(?:"([^"]*)"|([^,}\s]+))\s*([,}])/y
  field.lastIndex = 1
  for (let m = field.exec(body); m !== null; m = field.exec(body)) {
    out[(m[1] ?? m[2]!).toLowerCase()] = m[3] ?? m[4]!
    if (m[5] === "}") return field.lastIndex === body.length ? out : undefined
  }
  return undefined
}

/** The JSON of one value (numbers as numbers, text as text, DATE/DATETIME/INTERVAL as their text form). */
const jsonValue = (v: Value): string => {
  if (v === null) return "null"
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null"
  if (typeof v === "bigint") return v.toString()
  if (typeof v === "boolean") return v ? "true" : "false"
  if (typeof v === "string") return JSON.stringify(v)
  // DECIMAL/MONEY as a JSON number (valueText gives the plain digits); the others as their text form.
  return BigDecimal.isBigDecimal(v) ? valueText(v) : JSON.stringify(valueText(v))
}

const rowJson = (names: ReadonlyArray<string>, row: ReadonlyArray<Value>): string =>
  `{${names.map((n, i) => `${JSON.stringify(n)}:${jsonValue(row[i] ?? null)}`).join(",")}}`

const OPERATION: Record<number, string> = { 40: "insert", 41: "delete", 43: "update" }

/** A LOB or collection column: IBM documents that the SELECT of a push-data registration may not project them. */
const isLob = (t: IfxType): boolean =>
  t.code === TypeCode.BYTE || t.code === TypeCode.TEXT || isComplexType(t) || t.xid === ExtendedId.BLOB ||
  t.xid === ExtendedId.CLOB

const errorText = (message: string): string => `ERROR: ${message}`

/** `query` compiled to run on one row image: the table's name bound to a one-row CTE of the image's values. */
const compile = (session: EvaluationSession, info: TableInfo, query: string) => {
  const prepared = session.prepare(query)
  if (isEngineError(prepared)) return `the query fails with SQL error ${prepared.sqlcode} ${prepared.parameter}`.trim()
  if (!(prepared instanceof PreparedStatement) || prepared.plan.kind !== "select") return "the query is not a SELECT"
  const tables = prepared.plan.tables
  if (tables.length !== 1 || tables[0]!.name.toLowerCase() !== info.name.toLowerCase()) {
    return `the query must read '${info.name}' and no other table`
  }
  if (prepared.columnTypes.some(isLob)) return "the query projects a LOB or collection column"
  const image = `${quoteIdent(info.name)}(${info.columns.map((c) => quoteIdent(c.name)).join(", ")})`
  const values = info.columns.map(() => "?").join(", ")
  try {
    const evaluate = session.db.prepare(`WITH ${image} AS (VALUES (${values})) ${prepared.plan.sql}`)
    evaluate.setReadBigInts(true)
    return { evaluate, names: prepared.columns.map((c) => c.name), types: prepared.columnTypes }
  } catch (error) {
    return `the query cannot be watched: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** The instance's push sessions. */
export class PushData {
  private readonly host: PushHost
  private readonly capture: ChangeCapture
  private readonly sessions = new Map<number, PushSession>()
  /** The push session a client session opened or joined. */
  private readonly current = new Map<object, PushSession>()
  private detachIds = 0

  constructor(host: PushHost, capture: ChangeCapture) {
    this.host = host
    this.capture = capture
    // The CDC hook: a transaction with logged changes committed.
    capture.onChange(() => this.pump())
  }

  /** The push session `fd` of client session `owner`. */
  reader(owner: object, fd: number): PushReader | undefined {
    const s = this.sessions.get(fd)
    return s?.owner === owner ? s : undefined
  }

  /** The client session ended: a detachable push session waits for a join, the others end. */
  closeOwnedBy(owner: object): void {
    this.current.delete(owner)
    for (const [fd, s] of this.sessions) {
      if (s.owner !== owner) continue
      s.owner = undefined
      if (s.detachId === undefined) {
        s.close()
        this.sessions.delete(fd)
      }
    }
  }

  close(): void {
    for (const s of this.sessions.values()) s.close()
    this.sessions.clear()
    this.current.clear()
  }

  /** `EXECUTE FUNCTION [informix.]task(...)` in sysadmin, or undefined when `tokens` are not such a call. */
  prepare(owner: object, user: string, sql: string, tokens: ReadonlyArray<Token>): Prepared | EngineError | undefined {
    const call = parseBuiltinCall(sql, tokens, (name) => name === "task", true)
    if (call === undefined || isEngineError(call)) return call
    // IBM -674 "Routine (%s) can not be resolved." (task takes one or two arguments).
    if (call.args.length < 1 || call.args.length > 2) return engineError(-674, { parameter: "task" })
    return new BuiltinCallPrepared(owner, sql, call, Types.lvarchar(), () => Types.lvarchar(), (values) => {
      if (values.some((v) => typeof v !== "string")) return engineError(-674, { parameter: "task" })
      return this.run(owner, user, values[0] as string, values[1] as string | undefined)
    })
  }

  /** Runs one task command: the text of its result row. */
  run(owner: object, user: string, command: string, argument: string | undefined): string {
    const verb = command.trim().toLowerCase().replace(/\s+/g, " ")
    if (!verb.startsWith("pushdata ")) return errorText(`unknown task command '${command}'`)
    const json = argument === undefined ? {} : parseRelaxedJson(argument)
    if (json === undefined) return errorText(`not a JSON document: ${argument}`)
    const session = this.current.get(owner)
    switch (verb.slice("pushdata ".length)) {
      case "open": {
        let fd = FIRST_FD
        while (this.sessions.has(fd)) fd++
        if (fd > LAST_FD) return "ERROR"
        const opened = new PushSession(fd, owner, user)
        this.sessions.set(fd, opened)
        this.current.set(owner, opened)
        return String(fd)
      }
      case "join": {
        const id = json["session_id"]
        const joined = Array.from(this.sessions.values()).find((s) => s.detachId !== undefined && s.detachId === id)
        // JDBC reads "ERROR" as a failed open or join.
        if (joined === undefined || joined.owner !== undefined) return "ERROR"
        joined.owner = owner
        this.current.set(owner, joined)
        return String(joined.fd)
      }
      case "setdetach": {
        if (session === undefined) return errorText("no pushdata session is open")
        session.detachId ??= String(1000 + ++this.detachIds)
        return session.detachId
      }
      case "delete": {
        const id = json["session_id"]
        const target = Array.from(this.sessions.values()).find((s) => s.detachId !== undefined && s.detachId === id)
        if (target === undefined) return errorText(`no detachable session '${id ?? ""}'`)
        if (target.owner !== undefined && target.owner !== owner) return errorText(`session '${id}' is in use`)
        target.close()
        this.sessions.delete(target.fd)
        if (target.owner !== undefined) this.current.delete(target.owner)
        return "OK"
      }
      case "register":
        if (session === undefined) return errorText("no pushdata session is open")
        return this.register(session, json)
      case "deregister": {
        if (session === undefined) return errorText("no pushdata session is open")
        const gone = Array.from(session.registrations.values()).filter((r) =>
          json["label"] !== undefined
            ? r.label === json["label"]
            : r.key === json["table"]?.toLowerCase() && r.database === json["database"]?.toLowerCase()
        )
        if (gone.length === 0) return errorText("no such registration")
        for (const r of gone) session.registrations.delete(r.label)
        return "OK"
      }
      default:
        return errorText(`unknown task command '${command}'`)
    }
  }

  private register(session: PushSession, json: Record<string, string>): string {
    // Session options: IBM JDBC sends them first, as strings ({timeout:"60", max_pending_ops:"0", maxrecs:"0"}).
    const numbers: Record<string, number> = {}
    for (const key of ["timeout", "max_pending_ops", "maxrecs"]) {
      const text = json[key]?.trim()
      if (text === undefined) continue
      if (!/^\d+$/.test(text)) return errorText(`${key} must be a non-negative integer`)
      numbers[key] = Number(text)
    }
    // maxrecs is accepted and ignored: a read returns one document.
    session.timeoutSeconds = numbers["timeout"] ?? session.timeoutSeconds
    session.maxPending = numbers["max_pending_ops"] ?? session.maxPending
    if (json["table"] === undefined && json["query"] === undefined) return "OK"
    const { table, database, query } = json
    if (table === undefined || database === undefined || query === undefined) {
      return errorText("a registration needs table, database and query")
    }
    const label = json["label"] ?? `${table}_${session.registrations.size + 1}`
    if (label.length > MAX_LABEL) return errorText(`label '${label}' is longer than ${MAX_LABEL} characters`)
    if (session.registrations.has(label)) return errorText(`label '${label}' is already registered`)
    const config = this.host.database(database)
    if (config === undefined) return errorText(`database '${database}' not found`)
    if (!config.logged) return errorText(`database '${database}' has no logging`)
    const reader = this.capture.reader(database.toLowerCase())
    const info = reader === undefined ? undefined : readTable(reader, table)
    if (reader === undefined || info === undefined || info.temp) {
      return errorText(`table '${database}:${table}' not found`)
    }
    if (info.uniques.length === 0) return errorText(`table '${info.name}' has no primary key or unique index`)
    const checked = this.evaluation(session, database.toLowerCase(), info, query)
    if (typeof checked === "string") return errorText(checked)
    try {
      if (!isLogged(reader, info.name)) setFullRowLogging(reader, info, true)
    } catch (error) {
      return errorText(`cannot log '${info.name}': ${error instanceof Error ? error.message : String(error)}`)
    }
    const watched = session.databases.get(checked.database)
    if (watched !== undefined && watched.position === -1) watched.position = lastLogId(reader)
    session.registrations.set(label, {
      label,
      key: info.name.toLowerCase(),
      table: info.name,
      owner: json["owner"] ?? session.user,
      columns: info.columns.map((c) => c.name),
      ...checked
    })
    return "OK"
  }

  /** The registration's query checked and compiled against a one-row image of the table, or why it cannot be. */
  private evaluation(session: PushSession, database: string, info: TableInfo, query: string) {
    const tokens = tokenize(query)
    if (!Array.isArray(tokens)) return `the query cannot be read: ${tokens.message}`
    // IBM: the WHERE clause may refer to the registered table only, no subqueries.
    if (tokens.filter((t) => t.upper === "SELECT").length !== 1) {
      return "the query must be one SELECT without subqueries"
    }
    let watched = session.databases.get(database)
    if (watched === undefined) {
      const opened = this.host.openSession(database, session.user)
      if (isEngineError(opened)) return `cannot open '${database}' (SQL error ${opened.sqlcode})`
      watched = { position: -1, session: opened }
      session.databases.set(database, watched)
    }
    const evaluate = compile(watched.session, info, query)
    if (typeof evaluate === "string") return evaluate
    // An update's before image goes through the projection alone (the WHERE holds for the after image).
    const where = tokens.find((t) => t.upper === "WHERE")
    const project = where === undefined ? evaluate : compile(watched.session, info, query.slice(0, where.offset))
    if (typeof project === "string") return project
    return { database, ...evaluate, project: project.evaluate }
  }

  /** Reads what committed since each session's position and queues the documents of the matching rows. */
  private pump(): void {
    for (const session of this.sessions.values()) {
      let queued = false
      for (const [database, watched] of session.databases) {
        const reader = this.capture.reader(database)
        if (reader === undefined || watched.position < 0) continue
        try {
          for (
            let tx = nextTransaction(reader, watched.position);
            tx.length > 0;
            tx = nextTransaction(reader, watched.position)
          ) {
            watched.position = tx[tx.length - 1]!.id
            queued = this.transaction(session, database, tx) || queued
          }
        } catch (error) {
          // A query that fails on a row (a conversion, a function's error): the reader learns it, the writer's
          // commit stands.
          const message = error instanceof Error ? error.message : String(error)
          session.push(`{"ifx_error":${JSON.stringify(`the query of a registration failed: ${message}`)}}`)
          queued = true
        }
      }
      if (queued) session.notify()
    }
  }

  private transaction(session: PushSession, database: string, tx: ReadonlyArray<LoggedChange>): boolean {
    let opNum = 0
    let queued = false
    const commitTime = tx[tx.length - 1]!.at
    for (const [i, change] of tx.entries()) {
      // An update is logged as its before image (42) then its after image (43).
      if (change.op === 42) continue
      const before = change.op === 43 ? tx[i - 1] : undefined
      for (const r of session.registrations.values()) {
        if (r.database !== database || r.key !== change.table.toLowerCase()) continue
        const row = this.evaluate(r, change.image)
        if (row === undefined) continue
        const beforeRow = before === undefined ? undefined : this.evaluate(r, before.image, r.project)
        const doc =
          `{"operation":"${OPERATION[change.op]}","table":${JSON.stringify(r.table)},"owner":${
            JSON.stringify(r.owner)
          },"database":${JSON.stringify(database)},"label":${JSON.stringify(r.label)},"txnid":${change.txid},` +
          `"commit_time":${commitTime},"op_num":${++opNum},"rowdata":${rowJson(r.names, row)}${
            beforeRow === undefined ? "" : `,"before_rowdata":${rowJson(r.names, beforeRow)}`
          }}`
        session.push(doc)
        queued = true
      }
    }
    return queued
  }

  /** The query's projection of a row image when its WHERE holds (undefined otherwise). */
  private evaluate(
    r: Registration,
    image: ReadonlyArray<unknown>,
    statement = r.evaluate
  ): ReadonlyArray<Value> | undefined {
    const bound = r.columns.map((_, i) => (image[i] ?? null) as null | number | bigint | string | Uint8Array)
    const row = statement.all(...bound)[0] as Record<string, unknown> | undefined
    if (row === undefined) return undefined
    return Object.values(row).map((v, i) => fromStorage(v as never, r.types[i]!))
  }
}
