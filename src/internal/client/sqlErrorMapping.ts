/**
 * Maps the driver's own errors (`InformixError`) to effect/sql's `SqlError` with a structured reason, keeping the
 * Informix error as the reason's `cause` so nothing is lost (sqlcode, isamCode, offset, statement text).
 *
 * @internal
 */
import * as Sql from "effect/sql/SqlError"
import * as InformixError from "../../InformixError.ts"
import * as SqlCodes from "../sqlcodes.ts"

/** What the client was doing when the error happened; becomes the reason's `operation`. */
export type Operation = "connect" | "acquireConnection" | "execute" | "stream" | "transaction" | "migrate"

const reasonFor = (
  error: InformixError.InformixError,
  operation: Operation
): Sql.SqlErrorReason => {
  const common = { cause: error, message: error.message, operation }
  if (error instanceof InformixError.SqlError) return serverReason(error, common)
  // A failed batch row is a server error like any other: its reason (unique violation, …) is the row's.
  if (error instanceof InformixError.BatchError) return serverReason(error.cause, common)
  if (error instanceof InformixError.AuthenticationError) return new Sql.AuthenticationError(common)
  if (error instanceof InformixError.PoolTimeoutError) {
    // effect/sql has no pool reason; not getting a connection is a connection failure, and a retryable one.
    return new Sql.ConnectionError({ ...common, operation: "acquireConnection" })
  }
  if (error instanceof InformixError.ConfigError) return new Sql.UnknownError({ ...common, operation: "connect" })
  // Failures the client detects before or without the server (a parameter it cannot bind, a result type it cannot
  // decode, a released statement): effect/sql has no reason for invalid input, and none of the specific reasons
  // applies. UnknownError is not retryable, which is right: the same call fails the same way. The session is fine,
  // so they must not fall through to ConnectionError below.
  if (
    error instanceof InformixError.ParameterError || error instanceof InformixError.ResultDecodeError ||
    error instanceof InformixError.StatementReleasedError || error instanceof InformixError.UsageError
  ) return new Sql.UnknownError(common)
  // ConnectionError, and ProtocolError: the session was retired because its byte stream can no longer be trusted,
  // which for the caller is a lost connection (and retrying on a fresh session is the right reaction).
  return new Sql.ConnectionError(common)
}

const serverReason = (
  error: InformixError.SqlError,
  common: { readonly cause: unknown; readonly message: string; readonly operation: Operation }
): Sql.SqlErrorReason => {
  switch (SqlCodes.reasonTagOf(SqlCodes.classify(error.sqlcode, error.isamCode))) {
    case "UniqueViolation":
      // For -239 Informix reports the index name, for -268 the constraint name; either identifies what clashed.
      return new Sql.UniqueViolation({ ...common, constraint: error.parameter })
    case "ConstraintError":
      return new Sql.ConstraintError(common)
    case "LockTimeoutError":
      return new Sql.LockTimeoutError(common)
    case "DeadlockError":
      return new Sql.DeadlockError(common)
    case "SqlSyntaxError":
      return new Sql.SqlSyntaxError(common)
    case "AuthorizationError":
      return new Sql.AuthorizationError(common)
    case "AuthenticationError":
      return new Sql.AuthenticationError(common)
    case "ConnectionError":
      return new Sql.ConnectionError(common)
    case "StatementTimeoutError":
      return new Sql.StatementTimeoutError(common)
    case "UnknownError":
      return new Sql.UnknownError(common)
  }
}

/** Converts one Informix error into an effect/sql `SqlError`. */
export const toSqlError = (error: InformixError.InformixError, operation: Operation): Sql.SqlError =>
  new Sql.SqlError({ reason: reasonFor(error, operation) })

/** Wraps a non-Informix failure (a defect surfaced as a value, a codec error ...) as an unknown reason. */
export const unknownSqlError = (cause: unknown, message: string, operation: Operation): Sql.SqlError =>
  new Sql.SqlError({ reason: new Sql.UnknownError({ cause, message, operation }) })
