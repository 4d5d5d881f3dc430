import { assert, describe, it } from "@effect/vitest"
import * as InformixError from "../src/InformixError.ts"
import { toSqlError } from "../src/internal/client/errors.ts"

const serverError = (sqlcode: number, isamCode: number, parameter = "") =>
  InformixError.fromServerError({ sqlcode, isamCode, offset: 0, parameter }, "INSERT INTO t VALUES (?)")

describe("InformixError → effect/sql SqlError", () => {
  it("maps server codes to the matching reason and keeps the Informix error as cause", () => {
    const cases: ReadonlyArray<readonly [number, number, string]> = [
      [-239, -100, "UniqueViolation"],
      [-268, 0, "UniqueViolation"],
      [-271, -100, "UniqueViolation"],
      [-391, 0, "ConstraintError"],
      [-691, 0, "ConstraintError"],
      [-244, -154, "LockTimeoutError"],
      [-243, -107, "LockTimeoutError"],
      [-243, -143, "DeadlockError"],
      [-201, 0, "SqlSyntaxError"],
      [-206, -111, "SqlSyntaxError"],
      [-272, 0, "AuthorizationError"],
      [-213, 0, "StatementTimeoutError"],
      [-1213, 0, "UnknownError"]
    ]
    for (const [sqlcode, isam, tag] of cases) {
      const original = serverError(sqlcode, isam, "u_name")
      const mapped = toSqlError(original, "execute")
      assert.strictEqual(mapped.reason._tag, tag, `${sqlcode}/${isam}`)
      assert.strictEqual(mapped.reason.cause, original)
      assert.strictEqual(mapped.reason.operation, "execute")
      assert.include(mapped.message, String(sqlcode))
    }
  })

  it("names the constraint of a unique violation", () => {
    const mapped = toSqlError(serverError(-268, -100, "u_customer_email"), "execute")
    assert.strictEqual(mapped.reason._tag, "UniqueViolation")
    if (mapped.reason._tag === "UniqueViolation") assert.strictEqual(mapped.reason.constraint, "u_customer_email")
  })

  it("maps session-level failures", () => {
    const connection = new InformixError.ConnectionError({
      reason: "Refused",
      host: "db",
      port: 9088,
      message: "connection refused"
    })
    assert.strictEqual(toSqlError(connection, "connect").reason._tag, "ConnectionError")
    assert.isTrue(toSqlError(connection, "connect").isRetryable)
    const auth = new InformixError.AuthenticationError({ sqlcode: -951, isamCode: 0, user: "u", message: "bad" })
    assert.strictEqual(toSqlError(auth, "connect").reason._tag, "AuthenticationError")
    const protocol = new InformixError.ProtocolError({ message: "unknown opcode 999" })
    assert.strictEqual(toSqlError(protocol, "execute").reason._tag, "ConnectionError")
    const timeout = new InformixError.PoolTimeoutError({ message: "no connection in 5 s", timeoutMillis: 5000 })
    const mapped = toSqlError(timeout, "execute")
    assert.strictEqual(mapped.reason._tag, "ConnectionError")
    assert.strictEqual(mapped.reason.operation, "acquireConnection")
    const config = new InformixError.ConfigError({ message: "bad port", field: "port" })
    assert.strictEqual(toSqlError(config, "connect").reason._tag, "UnknownError")
  })
})
