/**
 * The Change Data Capture API of the instance (IBM "Change Data Capture API": the `syscdcv1` database's
 * `cdc_opensess`, `cdc_set_fullrowlogging`, `cdc_startcapture`, `cdc_activatesess`, `cdc_endcapture`,
 * `cdc_deactivatesess`, `cdc_closesess`), called the way IBM JDBC 15's CDCEngine calls them
 * (JDBC-PAM-TRIGGERS-CDC.md §3.2): `EXECUTE FUNCTION informix.cdc_xxx(?, ...)` returning one INTEGER row.
 *
 * A CDC session belongs to the client session that opened it and dies with it. Its records come from the captured
 * database's change log (changeLog.ts): first one TABSCHEMA per captured table, then, per committed transaction
 * that touched a captured table, BEGIN, the row images of the captured columns and COMMIT. Nothing is buffered per
 * session: the log is the buffer (kept for the life of the database, so a slow reader never loses a change and a
 * restart from any logged position works).
 *
 * Sequence numbers (IBM: log sequence numbers) are derived from log row ids: BEGIN = 4·first, a row = 4·id + 1,
 * COMMIT = 4·last + 2, so they rise in commit order. `cdc_activatesess(s, seq)` resumes after a COMMIT's seq; any
 * other logged seq resumes at the start of its transaction (the whole transaction again: at-least-once).
 *
 * Error codes: IBM documents the symbolic names in this order (CDC_E_NOCDCDB … CDC_E_ARG6) and JDBC's message
 * catalogue pins CDC_E_NOSES at −83708 (JDBC-PAM-TRIGGERS-CDC.md §3.2); the numbers of the others follow that order
 * (a guess, recorded in docs/protocol-evidence.md).
 */
import { DatabaseSync } from "node:sqlite"
import type { CaptureColumn, CaptureReader, CaptureRecord, EngineError, Prepared, Value } from "./api.ts"
import { isEngineError } from "./api.ts"
import { BuiltinCallPrepared, parseBuiltinCall } from "./builtinCall.ts"
import { readTable, type TableInfo } from "./catalog.ts"
import {
  isLogged,
  lastLogId,
  lastTransactionId,
  nextTransaction,
  registerChangeLogFunctions,
  setFullRowLogging,
  transactionStart
} from "./changeLog.ts"
import { engineError, mapSqliteError } from "./engineErrors.ts"
import type { DatabaseConfig } from "./engineSession.ts"
import { describe } from "./prepared.ts"
import type { Token } from "./tokenizer.ts"
import { type IfxType, typeName, Types } from "./types.ts"
import { fromStorage } from "./values.ts"

export { registerChangeLogFunctions }

/** The database the CDC API routines live in. */
export const CDC_DATABASE = "syscdcv1"

/** CDC API error codes (see the module comment). */
export const CdcError = {
  NODB: -83703,
  DBNOTLOGGED: -83704,
  NOTAB: -83705,
  TABPROPERTIES: -83706,
  NOCOL: -83707,
  NOSES: -83708,
  NOREOPEN: -83709,
  TABCAPTURED: -83710,
  TABNOTCAPTURED: -83711,
  ARGNULL: -83712,
  LSN: -83713,
  APIVERS: -83702,
  ARG: -83715,
  ARG1: -83716
} as const

/** CDC session ids double as smart-LO fds (u16 on the wire); kept clear of the low fds smartLobCalls.ts hands out. */
const FIRST_SESSION_ID = 0x4001
const LAST_SESSION_ID = 0x7fff

interface Captured {
  readonly label: number
  readonly table: string
  /** For each captured column: its index in the logged row image. */
  readonly indexes: ReadonlyArray<number>
  readonly columns: ReadonlyArray<CaptureColumn>
  readonly types: ReadonlyArray<TableInfo["columns"][number]["type"]>
}

class CdcSession implements CaptureReader {
  readonly id: number
  readonly owner: object
  readonly timeoutSeconds: number
  readonly maxRecords: number
  readonly tables = new Map<string, Captured>()
  database: string | undefined = undefined
  active = false
  position = 0
  lastSequence = 0n
  readonly pending: Array<CaptureRecord> = []
  private readonly capture: ChangeCapture

  constructor(capture: ChangeCapture, id: number, owner: object, timeoutSeconds: number, maxRecords: number) {
    this.capture = capture
    this.id = id
    this.owner = owner
    this.timeoutSeconds = timeoutSeconds
    this.maxRecords = maxRecords
  }

  onChange(listener: () => void): () => void {
    return this.capture.onChange(listener)
  }

  next(): CaptureRecord | EngineError | undefined {
    if (!this.active) return engineError(CdcError.NOSES, { parameter: String(this.id) })
    while (this.pending.length === 0) {
      if (this.database === undefined) return undefined
      const db = this.capture.reader(this.database)
      if (db === undefined) return engineError(CdcError.NODB, { parameter: this.database })
      const changes = nextTransaction(db, this.position)
      if (changes.length === 0) return undefined
      const first = changes[0]!
      const last = changes[changes.length - 1]!
      this.position = last.id
      const rows: Array<CaptureRecord> = []
      for (const change of changes) {
        const captured = this.tables.get(change.table.toLowerCase())
        if (captured === undefined) continue
        rows.push({
          kind: "row",
          op: change.op,
          seq: BigInt(change.id) * 4n + 1n,
          txid: change.txid,
          label: captured.label,
          columns: captured.columns,
          values: captured.indexes.map((at, i): Value => fromStorage(change.image[at] ?? null, captured.types[i]!))
        })
      }
      if (rows.length === 0) continue
      this.pending.push(
        { kind: "begin", seq: BigInt(first.id) * 4n, txid: first.txid, time: first.at },
        ...rows,
        { kind: "commit", seq: BigInt(last.id) * 4n + 2n, txid: first.txid, time: last.at }
      )
    }
    return this.pending[0]
  }

  delivered(): void {
    const record = this.pending.shift()
    if (record !== undefined && record.kind !== "tabschema") this.lastSequence = record.seq
  }
}

/** One parsed `db:owner.table` (owner optional). */
interface TableName {
  readonly database: string
  readonly table: string
}

const parseTableName = (text: string): TableName | undefined => {
  const match = /^\s*([A-Za-z_][\w$]*)\s*(?:@[\w$]+\s*)?:\s*(?:"?([\w$]+)"?\s*\.)?\s*([A-Za-z_][\w$]*)\s*$/.exec(text)
  return match === null ? undefined : { database: match[1]!.toLowerCase(), table: match[3]!.toLowerCase() }
}

/** What the registry needs of the engine. */
export interface CaptureHost {
  readonly database: (name: string) => DatabaseConfig | undefined
  readonly serverName: string
}

/** The instance's CDC sessions, change-log readers and commit notifications. */
export class ChangeCapture {
  private readonly host: CaptureHost
  private readonly sessions = new Map<number, CdcSession>()
  private readonly readers = new Map<string, DatabaseSync>()
  private readonly listeners = new Set<() => void>()
  private transactions = 0

  constructor(host: CaptureHost) {
    this.host = host
  }

  /** A fresh transaction id for a session's first captured change (ids continue above those already logged). */
  nextTransactionId(): number {
    return ++this.transactions
  }

  /** Seeds the transaction ids from a database's log (at engine start). */
  seed(db: DatabaseSync): void {
    this.transactions = Math.max(this.transactions, lastTransactionId(db))
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A transaction with captured changes committed: wake the waiting readers. */
  committed(): void {
    for (const listener of Array.from(this.listeners)) listener()
  }

  /** A connection of its own to a database (reads see only committed changes). */
  reader(database: string): DatabaseSync | undefined {
    const open = this.readers.get(database)
    if (open !== undefined) return open
    const config = this.host.database(database)
    if (config === undefined) return undefined
    const db = new DatabaseSync(config.location, { timeout: 0 })
    db.exec("PRAGMA busy_timeout = 0")
    this.readers.set(database, db)
    return db
  }

  /** The CDC session `fd` of client session `owner`. */
  session(owner: object, fd: number): CaptureReader | undefined {
    const session = this.sessions.get(fd)
    return session?.owner === owner ? session : undefined
  }

  /** The client session ended: so do its CDC sessions. */
  closeOwnedBy(owner: object): void {
    for (const [id, s] of this.sessions) if (s.owner === owner) this.sessions.delete(id)
  }

  /** A dropped database: close its reader. */
  forget(database: string): void {
    this.readers.get(database)?.close()
    this.readers.delete(database)
  }

  close(): void {
    this.sessions.clear()
    this.listeners.clear()
    for (const db of this.readers.values()) db.close()
    this.readers.clear()
  }

  /** `EXECUTE FUNCTION informix.cdc_xxx(...)` in syscdcv1, or undefined when `tokens` are not such a call. */
  prepare(owner: object, sql: string, tokens: ReadonlyArray<Token>): Prepared | EngineError | undefined {
    const call = parseBuiltinCall(sql, tokens, (name) => Object.hasOwn(ROUTINES, name))
    if (call === undefined || isEngineError(call)) return call
    const routine = ROUTINES[call.name]!
    // IBM -674 "Routine (%s) can not be resolved." (a wrong argument count).
    if (call.args.length !== routine.params.length) return engineError(-674, { parameter: call.name })
    return new BuiltinCallPrepared(owner, sql, call, Types.integer, (i) => routine.params[i]!, (values) => {
      try {
        return this.call(owner, routine, values)
      } catch (error) {
        // Setting full-row logging met another session's write lock.
        return mapSqliteError(error, { verb: "ddl", table: undefined, tokens: [], lockWaitSeconds: 0 })
      }
    })
  }

  call(owner: object, routine: Routine, args: ReadonlyArray<Value>): number {
    const intArg = (i: number): number | undefined => {
      const v = args[i]
      return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "string" &&
          /^-?\d+$/.test(v.trim())
        ? Number(v)
        : undefined
    }
    const textArg = (i: number): string | undefined => (typeof args[i] === "string" ? args[i] : undefined)
    if (args.some((a) => a === null)) return CdcError.ARGNULL
    const own = (i: number): CdcSession | number => {
      const s = this.sessions.get(intArg(i) ?? -1)
      return s?.owner === owner ? s : CdcError.NOSES
    }
    switch (routine.name) {
      case "cdc_opensess": {
        if (textArg(0)?.trim().toLowerCase() !== this.host.serverName.toLowerCase()) return CdcError.ARG1
        if (intArg(1) !== 0) return CdcError.NOREOPEN
        if (intArg(4) !== 1 || intArg(5) !== 1) return CdcError.APIVERS
        const timeout = intArg(2)
        const maxRecords = intArg(3)
        if (timeout === undefined || timeout < 0) return CdcError.ARG
        if (maxRecords === undefined || maxRecords < 1) return CdcError.ARG
        let id = FIRST_SESSION_ID
        while (this.sessions.has(id)) id++
        if (id > LAST_SESSION_ID) return CdcError.ARG
        this.sessions.set(id, new CdcSession(this, id, owner, timeout, maxRecords))
        return id
      }
      case "cdc_set_fullrowlogging": {
        const target = this.table(textArg(0))
        if (typeof target === "number") return target
        const on = intArg(1)
        if (on !== 0 && on !== 1) return CdcError.ARG
        setFullRowLogging(target.db, target.info, on === 1)
        return 0
      }
      case "cdc_startcapture": {
        const session = own(0)
        if (typeof session === "number") return session
        const target = this.table(textArg(2))
        if (typeof target === "number") return target
        if (session.database !== undefined && session.database !== target.database) return CdcError.ARG
        if (!isLogged(target.db, target.info.name)) return CdcError.TABPROPERTIES
        const key = target.info.name.toLowerCase()
        if (session.tables.has(key)) return CdcError.TABCAPTURED
        const label = intArg(4)
        if (label === undefined) return CdcError.ARG
        const wanted = (textArg(3) ?? "").split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "")
        const indexes: Array<number> = []
        for (const column of wanted.length === 0 ? target.info.columns.map((c) => c.name.toLowerCase()) : wanted) {
          const at = target.info.columns.findIndex((c) => c.name.toLowerCase() === column)
          if (at < 0) return CdcError.NOCOL
          indexes.push(at)
        }
        const picked = indexes.map((at) => target.info.columns[at]!)
        const captured: Captured = {
          label,
          table: target.info.name,
          indexes,
          types: picked.map((c) => c.type),
          columns: picked.map((c) =>
            Object.assign(describe(c.name, c.type, c.notNull), { typeText: typeName(c.type).toLowerCase() })
          )
        }
        session.database = target.database
        session.tables.set(key, captured)
        if (session.active) session.pending.push({ kind: "tabschema", label, columns: captured.columns })
        return 0
      }
      case "cdc_activatesess": {
        const session = own(0)
        if (typeof session === "number") return session
        const seq = args[1]
        const from = typeof seq === "bigint" ? seq : BigInt(intArg(1) ?? 0)
        const db = session.database === undefined ? undefined : this.reader(session.database)
        const last = db === undefined ? 0 : lastLogId(db)
        if (from === 0n) session.position = last
        else {
          const id = Number(from / 4n)
          if (from < 0n || id > last) return CdcError.LSN
          session.position = from % 4n === 2n ? id : (transactionStart(db!, id) ?? id) - 1
        }
        session.lastSequence = from
        session.active = true
        session.pending.length = 0
        for (const t of session.tables.values()) {
          session.pending.push({ kind: "tabschema", label: t.label, columns: t.columns })
        }
        return 0
      }
      case "cdc_deactivatesess": {
        const session = own(0)
        if (typeof session === "number") return session
        session.active = false
        return 0
      }
      case "cdc_endcapture": {
        const session = own(0)
        if (typeof session === "number") return session
        const name = parseTableName(textArg(2) ?? "")
        if (name === undefined) return CdcError.ARG
        return session.tables.delete(name.table) ? 0 : CdcError.TABNOTCAPTURED
      }
      case "cdc_closesess": {
        const session = own(0)
        if (typeof session === "number") return session
        this.sessions.delete(session.id)
        return 0
      }
    }
  }

  private table(text: string | undefined) {
    const name = parseTableName(text ?? "")
    if (name === undefined) return CdcError.ARG
    const config = this.host.database(name.database)
    if (config === undefined) return CdcError.NODB
    if (!config.logged) return CdcError.DBNOTLOGGED
    const db = this.reader(name.database)!
    const info = readTable(db, name.table)
    if (info === undefined) return CdcError.NOTAB
    return { database: name.database, db, info }
  }
}

interface Routine {
  readonly name:
    | "cdc_opensess"
    | "cdc_set_fullrowlogging"
    | "cdc_startcapture"
    | "cdc_activatesess"
    | "cdc_deactivatesess"
    | "cdc_endcapture"
    | "cdc_closesess"
  /** The parameter types (IBM's signatures), described for the `?`s (JDBC asks with SQ_IDESCRIBE). */
  readonly params: ReadonlyArray<IfxType>
}

const I = Types.integer
const I8 = Types.int8
const TEXT = Types.lvarchar()

const ROUTINES: Record<string, Routine> = {
  cdc_opensess: { name: "cdc_opensess", params: [TEXT, I, I, I, I, I] },
  cdc_set_fullrowlogging: { name: "cdc_set_fullrowlogging", params: [TEXT, I] },
  cdc_startcapture: { name: "cdc_startcapture", params: [I, I8, TEXT, TEXT, I] },
  cdc_activatesess: { name: "cdc_activatesess", params: [I, I8] },
  cdc_deactivatesess: { name: "cdc_deactivatesess", params: [I] },
  cdc_endcapture: { name: "cdc_endcapture", params: [I, I8, TEXT] },
  cdc_closesess: { name: "cdc_closesess", params: [I] }
}
