/**
 * A scripted stand-in for the SQL engine, so the session layer's wire behaviour (statement table, cursor batching,
 * errors, transactions) is tested independently of SQLite.
 *
 * SQL it understands:
 *   select from rows(N)          SELECT of N rows (id INTEGER NOT NULL, name VARCHAR(20)), "name-<id>"
 *   insert serial / serial8 / bigserial   INSERT reporting a generated value (counts up per engine)
 *   update N                     UPDATE affecting N rows
 *   locked K                     UPDATE that reports a lock conflict K times, then succeeds (1 row)
 *   echo ?                       SELECT returning its bound parameter as one VARCHAR(255) row
 *   anything else                −201 syntax error at offset 0
 */
import type { DatabaseProperties, SessionEngine } from "../../src/internal/server/context.ts"
import type * as Api from "../../src/internal/server/engine/api.ts"
import { latin1Charset } from "../../src/internal/values/charset.ts"

const INT_NOT_NULL: Api.ColumnDescription = {
  name: "id",
  columnType: 2 | 0x0100,
  extendedId: 0,
  extendedName: "",
  encodedLength: 4
}
const NAME: Api.ColumnDescription = { name: "name", columnType: 13, extendedId: 0, extendedName: "", encodedLength: 20 }
const ECHO: Api.ColumnDescription = {
  name: "value",
  columnType: 13,
  extendedId: 0,
  extendedName: "",
  encodedLength: 255
}

const error = (sqlcode: number, parameter = "", lockConflict = false): Api.EngineError => ({
  _tag: "EngineError",
  sqlcode,
  isamCode: lockConflict ? -154 : 0,
  offset: 0,
  parameter,
  ...(lockConflict ? { lockConflict } : {})
})

export interface FakeEngine extends SessionEngine {
  openSession(database: string, user: string): Api.EngineSession | Api.EngineError
  readonly openSessions: number
  readonly openCursors: number
  /** Total rows the engine produced through cursors (to check the server does not over-fetch). */
  readonly rowsProduced: number
}

export const makeFakeEngine = (databases: ReadonlyArray<string> = ["testdb"]): FakeEngine => {
  let openSessions = 0
  let openCursors = 0
  let rowsProduced = 0
  let serial = 100
  const lockAttempts = new Map<string, number>()
  const engine: FakeEngine = {
    get openSessions() {
      return openSessions
    },
    get openCursors() {
      return openCursors
    },
    get rowsProduced() {
      return rowsProduced
    },
    // The scripted instance: fixed databases ("plain" is unlogged), nothing created or dropped.
    database(name): DatabaseProperties | undefined {
      return databases.includes(name)
        ? { name, logged: name !== "plain", ansi: false, locale: "en_US.8859-1", charset: latin1Charset }
        : undefined
    },
    databaseNames: () => databases,
    instanceStatement: () => undefined,
    createDatabase: (name) => error(-330, name),
    dropDatabase: (name) => error(-329, name),
    openSession(database, user) {
      if (!databases.includes(database)) return error(-329, database)
      openSessions++
      let inTransaction = false
      let lockWaitSeconds = 0
      const savepoints: Array<string> = []
      const session: Api.EngineSession = {
        database,
        user,
        fastPathRoutine: () => undefined,
        callFastPath: () => error(-674, "fast path"),
        get inTransaction() {
          return inTransaction
        },
        get lockWaitSeconds() {
          return lockWaitSeconds
        },
        isolation: "committed read",
        prepare(sql) {
          const text = sql.trim().toLowerCase()
          const base = { paramCount: 0, paramTypes: [], insertsSerial: undefined, sql }
          let m = /^select from rows\((\d+)\)$/.exec(text)
          if (m !== null) return { ...base, statementType: 2, columns: [INT_NOT_NULL, NAME] }
          if (text === "echo ?") {
            return { ...base, statementType: 2, columns: [ECHO], paramCount: 1, paramTypes: [ECHO] }
          }
          m = /^insert (serial|serial8|bigserial)$/.exec(text)
          if (m !== null) return { ...base, statementType: 6, columns: [], insertsSerial: m[1] as "serial" }
          if (/^update \d+$/.test(text) || /^locked \d+$/.test(text)) return { ...base, statementType: 4, columns: [] }
          m = /^set lock mode to wait (\d+)$/.exec(text)
          if (m !== null) return { ...base, statementType: 46, columns: [] }
          if (text === "begin work") return { ...base, statementType: 34, columns: [] }
          return { _tag: "EngineError", sqlcode: -201, isamCode: 0, offset: 1, parameter: "" }
        },
        execute(prepared) {
          const text = prepared.sql.trim().toLowerCase()
          let m = /^update (\d+)$/.exec(text)
          if (m !== null) return { rowsAffected: Number(m[1]), serial: 0 }
          m = /^locked (\d+)$/.exec(text)
          if (m !== null) {
            const tried = lockAttempts.get(text) ?? 0
            if (tried < Number(m[1])) {
              lockAttempts.set(text, tried + 1)
              return error(-244, "t", true)
            }
            lockAttempts.delete(text)
            return { rowsAffected: 1, serial: 0 }
          }
          m = /^set lock mode to wait (\d+)$/.exec(text)
          if (m !== null) {
            lockWaitSeconds = Number(m[1])
            return { rowsAffected: 0, serial: 0 }
          }
          if (text === "begin work") {
            if (inTransaction) return error(-535)
            inTransaction = true
            return { rowsAffected: 0, serial: 0, transactionChanged: "begin" }
          }
          if (prepared.insertsSerial === "serial") return { rowsAffected: 1, serial: ++serial }
          if (prepared.insertsSerial === "serial8") return { rowsAffected: 1, serial: 0, serial8: BigInt(++serial) }
          if (prepared.insertsSerial === "bigserial") {
            return { rowsAffected: 1, serial: 0, bigserial: BigInt(++serial) }
          }
          return error(-400)
        },
        openCursor(prepared, params, options) {
          const text = prepared.sql.trim().toLowerCase()
          const rows: Array<Array<Api.Value>> = []
          const m = /^select from rows\((\d+)\)$/.exec(text)
          if (m !== null) { for (let i = 1; i <= Number(m[1]); i++) rows.push([i, `name-${i}`]) }
          else if (text === "echo ?") rows.push([params[0] === null ? null : String(params[0])])
          openCursors++
          let next = 0
          let closed = false
          const cursor: Api.EngineCursor = {
            columns: prepared.columns,
            get rowsFetched() {
              return next
            },
            next(maxRows) {
              const out = rows.slice(next, next + maxRows)
              next += out.length
              rowsProduced += out.length
              return out
            },
            ...(options?.scroll === true ? { count: rows.length, row: (i: number) => rows[i] } : {}),
            close() {
              if (!closed) openCursors--
              closed = true
            }
          }
          return cursor
        },
        begin() {
          if (inTransaction) return error(-535)
          inTransaction = true
          return undefined
        },
        commit() {
          if (!inTransaction) return error(-255)
          inTransaction = false
          savepoints.length = 0
          return undefined
        },
        rollback() {
          if (!inTransaction) return error(-255)
          inTransaction = false
          savepoints.length = 0
          return undefined
        },
        savepoint(name) {
          if (!inTransaction) return error(-255)
          savepoints.push(name)
          return undefined
        },
        rollbackToSavepoint(name) {
          return savepoints.includes(name) ? undefined : error(-1500, name)
        },
        releaseSavepoint(name) {
          const i = savepoints.indexOf(name)
          if (i === -1) return error(-1500, name)
          savepoints.splice(i, 1)
          return undefined
        },
        close() {
          openSessions--
        },
        captureReader: () => undefined,
        pushReader: () => undefined
      }
      return session
    }
  }
  return engine
}
