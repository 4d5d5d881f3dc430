import { assert, describe, it } from "@effect/vitest"
import * as Sql from "effect/sql/SqlError"
import * as InformixError from "../src/InformixError.ts"
import { toSqlError } from "../src/internal/client/sqlErrorMapping.ts"

const serverError = (sqlcode: number, isamCode: number, parameter = "") =>
  InformixError.fromServerError({ sqlcode, isamCode, offset: 0, parameter }, "INSERT INTO t VALUES (?)")

describe("InformixError → effect/sql SqlError", () => {
  it("maps server codes to the matching reason and keeps the Informix error as cause", () => {
    const cases: ReadonlyArray<readonly [number, number, new(...args: Array<any>) => Sql.SqlErrorReason]> = [
      [-239, -100, Sql.UniqueViolation],
      [-268, 0, Sql.UniqueViolation],
      [-271, -100, Sql.UniqueViolation],
      [-391, 0, Sql.ConstraintError],
      [-691, 0, Sql.ConstraintError],
      [-244, -154, Sql.LockTimeoutError],
      [-243, -107, Sql.LockTimeoutError],
      [-243, -143, Sql.DeadlockError],
      [-201, 0, Sql.SqlSyntaxError],
      [-206, -111, Sql.SqlSyntaxError],
      [-272, 0, Sql.AuthorizationError],
      [-213, 0, Sql.StatementTimeoutError],
      [-1213, 0, Sql.UnknownError]
    ]
    for (const [sqlcode, isam, reason] of cases) {
      const original = serverError(sqlcode, isam, "u_name")
      const mapped = toSqlError(original, "execute")
      assert.instanceOf(mapped.reason, reason, `${sqlcode}/${isam}`)
      assert.strictEqual(mapped.reason.cause, original)
      assert.strictEqual(mapped.reason.operation, "execute")
      assert.include(mapped.message, String(sqlcode))
    }
  })

  it("names the constraint of a unique violation", () => {
    const mapped = toSqlError(serverError(-268, -100, "u_customer_email"), "execute")
    assert.instanceOf(mapped.reason, Sql.UniqueViolation)
    assert.strictEqual((mapped.reason as Sql.UniqueViolation).constraint, "u_customer_email")
  })

  it("maps session-level failures", () => {
    const connection = new InformixError.ConnectionError({
      reason: "Refused",
      host: "db",
      port: 9088,
      message: "connection refused"
    })
    assert.instanceOf(toSqlError(connection, "connect").reason, Sql.ConnectionError)
    assert.isTrue(toSqlError(connection, "connect").isRetryable)
    const auth = new InformixError.AuthenticationError({ sqlcode: -951, isamCode: 0, user: "u", message: "bad" })
    assert.instanceOf(toSqlError(auth, "connect").reason, Sql.AuthenticationError)
    const protocol = new InformixError.ProtocolError({ message: "unknown opcode 999" })
    assert.instanceOf(toSqlError(protocol, "execute").reason, Sql.ConnectionError)
    const timeout = new InformixError.PoolTimeoutError({ message: "no connection in 5 s", timeoutMillis: 5000 })
    const mapped = toSqlError(timeout, "execute")
    assert.instanceOf(mapped.reason, Sql.ConnectionError)
    assert.strictEqual(mapped.reason.operation, "acquireConnection")
    const config = new InformixError.ConfigError({ message: "bad port", field: "port" })
    assert.instanceOf(toSqlError(config, "connect").reason, Sql.UnknownError)
  })

  it("maps client-detected statement failures to a non-retryable UnknownError, not a lost connection", () => {
    const sql = "INSERT INTO t VALUES (?)"
    const errors: ReadonlyArray<InformixError.InformixError> = [
      new InformixError.ParameterError({ message: "Parameter 1 cannot be bound: a Symbol", index: 0, sql }),
      new InformixError.ParameterError({ message: "The request could not be encoded: SQL too long", sql }),
      new InformixError.ResultDecodeError({ message: "The result columns cannot be decoded: type 99", sql }),
      new InformixError.StatementReleasedError({ message: "The prepared statement was already released", sql })
    ]
    for (const error of errors) {
      const mapped = toSqlError(error, "execute")
      assert.instanceOf(mapped.reason, Sql.UnknownError, error._tag)
      assert.strictEqual(mapped.reason.cause, error)
      assert.strictEqual(mapped.reason.operation, "execute")
      assert.isFalse(mapped.isRetryable, error._tag)
      assert.include(mapped.message, error.message)
    }
  })
})
