/**
 * The typed error family of effect-informix.
 *
 * Every failure the driver reports is one of these `Schema.TaggedError` classes, so callers can
 * `Effect.catchTag("SqlError", …)` and serialise errors across boundaries. Through `InformixClient` they become
 * `effect/sql` `SqlError` reasons with the Informix error as `cause`.
 *
 * No error ever carries a password: the constructors take none, and URL-shaped inputs are redacted before they
 * reach a message.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as SqlCodes from "./internal/sqlcodes.ts"

/**
 * Marker stored on every Informix error so `isInformixError` works across copies of the module.
 *
 * @since 0.1.0
 * @category type IDs
 */
export const TypeId: TypeId = "~effect-informix/InformixError"

/**
 * @since 0.1.0
 * @category type IDs
 */
export type TypeId = "~effect-informix/InformixError"

/**
 * Why a connection could not be made or was lost.
 *
 * - `Refused`: nothing listens at host:port (ECONNREFUSED).
 * - `Reset`: the peer reset or aborted the connection (ECONNRESET, EPIPE).
 * - `Timeout`: connecting (or the login exchange) took longer than `connectTimeout`.
 * - `Tls`: the TLS handshake failed (certificate, protocol version, …).
 * - `Closed`: the server closed the connection, or the session was already closed/retired.
 * - `Dns`: the host name could not be resolved.
 * - `Rejected`: the server refused the session at the SQLI level (CONREJ) for a reason other than credentials.
 * - `Redirected`: the server (a Connection Manager) sent the login elsewhere and the target cannot be used: no server,
 *   host and port in it, or a port that is not a number, or `maxRedirects` is 0; `redirect` says where, when known.
 * - `RedirectLoop`: redirects went round in a circle (a target already visited) or went on past `maxRedirects`;
 *   `redirects` lists the chain.
 * - `ServerType`: the server logged in but is not the kind `targetServerType` asks for (a read-only secondary when a
 *   primary is wanted, or the other way round).
 * - `Unavailable`: no member of a server group logged in; `attempts` lists each member tried and why it failed.
 * - `Unknown`: any other socket failure (see `cause`).
 *
 * @since 0.1.0
 * @category models
 */
export type ConnectionErrorReason =
  | "Refused"
  | "Reset"
  | "Timeout"
  | "Tls"
  | "Closed"
  | "Dns"
  | "Rejected"
  | "Redirected"
  | "RedirectLoop"
  | "ServerType"
  | "Unavailable"
  | "Unknown"

/**
 * Where a login redirect (SL type 13) sends the client: server name (the INFORMIXSERVER of the next login), host,
 * and port (digits or a service name), as the redirect's detail spells them.
 *
 * @since 0.1.0
 * @category models
 */
export const RedirectTarget: Schema.Struct<{
  readonly server: Schema.String
  readonly host: Schema.String
  readonly port: Schema.String
}> = Schema.Struct({ server: Schema.String, host: Schema.String, port: Schema.String })

/**
 * One member of a server group tried by a connect that failed (`ConnectionError.attempts`): the member, the tag of
 * the error it failed with (`ConnectionError`, `AuthenticationError`, `SqlError`, `ProtocolError`), its `reason`
 * or `sqlcode` when it has one, and its message.
 *
 * @since 0.1.0
 * @category models
 */
export const ConnectAttempt: Schema.Struct<{
  readonly server: Schema.String
  readonly host: Schema.String
  readonly port: Schema.Number
  readonly error: Schema.String
  readonly reason: Schema.optional<Schema.String>
  readonly sqlcode: Schema.optional<Schema.Number>
  readonly message: Schema.String
}> = Schema.Struct({
  server: Schema.String,
  host: Schema.String,
  port: Schema.Number,
  error: Schema.String,
  reason: Schema.optional(Schema.String),
  sqlcode: Schema.optional(Schema.Number),
  message: Schema.String
})

/**
 * The session could not be established, or its socket failed. The session is gone; the pool replaces it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>("effect-informix/ConnectionError")(
  "ConnectionError",
  {
    reason: Schema.Literals([
      "Refused",
      "Reset",
      "Timeout",
      "Tls",
      "Closed",
      "Dns",
      "Rejected",
      "Redirected",
      "RedirectLoop",
      "ServerType",
      "Unavailable",
      "Unknown"
    ]),
    host: Schema.String,
    port: Schema.Number,
    message: Schema.String,
    /** Reason `Redirected`: where the server sent the login (server name, host, port or service name). */
    redirect: Schema.optional(RedirectTarget),
    /** The redirects followed before this failure, in order (reason `RedirectLoop`, and in `attempts`' errors). */
    redirects: Schema.optional(Schema.Array(RedirectTarget)),
    /** Reason `Unavailable`: every member of the server group tried, in order, with its failure. */
    attempts: Schema.optional(Schema.Array(ConnectAttempt)),
    cause: Schema.optional(Schema.Defect())
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * Connection failures are transient by nature; retrying with a fresh session may succeed.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return this.reason !== "Tls" && this.reason !== "Dns"
  }
}

/**
 * The server rejected the credentials (e.g. -951 unknown user or wrong password) or the server name (-761), or the
 * PAM conversation failed (sqlcode −79885, JDBC's "PAM authorization has failed"); `prompt` then names the PAM
 * prompt that could not be answered, when one could not. Carries the user name, never the password or an answer.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationError extends Schema.TaggedError<AuthenticationError>(
  "effect-informix/AuthenticationError"
)("AuthenticationError", {
  sqlcode: Schema.Number,
  isamCode: Schema.Number,
  user: Schema.String,
  server: Schema.optional(Schema.String),
  prompt: Schema.optional(Schema.String),
  message: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The category of a server error, derived from its SQLCODE and ISAM code.
 *
 * @since 0.1.0
 * @category models
 */
export type SqlErrorCategory = SqlCodes.SqlCodeCategory

/**
 * The server answered a statement with SQ_ERR. The session stays usable. `sqlcode` is always the server's (negative)
 * code; failures the client detects itself are `ParameterError`, `ResultDecodeError` or `StatementReleasedError`.
 *
 * `sql` is the statement text with placeholders, never the bound parameter values. `parameter` is the object name
 * the server reported (table, column, constraint …), already substituted into `message`.
 *
 * @since 0.1.0
 * @category errors
 */
export class SqlError extends Schema.TaggedError<SqlError>("effect-informix/SqlError")("SqlError", {
  sqlcode: Schema.Number,
  isamCode: Schema.Number,
  sqlState: Schema.optional(Schema.String),
  offset: Schema.Number,
  parameter: Schema.String,
  message: Schema.String,
  sql: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * What kind of failure this is (unique violation, lock timeout, …); see also the `is*` getters.
   *
   * @since 0.1.0
   */
  get category(): SqlErrorCategory {
    return SqlCodes.classify(this.sqlcode, this.isamCode)
  }

  /**
   * A unique index or UNIQUE / PRIMARY KEY constraint rejected a duplicate (-239, -268, or ISAM -100).
   *
   * @since 0.1.0
   */
  get isUniqueViolation(): boolean {
    return this.category === "UniqueViolation"
  }

  /**
   * Any integrity constraint failed: unique, NOT NULL, CHECK or referential.
   *
   * @since 0.1.0
   */
  get isConstraintViolation(): boolean {
    const category = this.category
    return category === "UniqueViolation" || category === "ConstraintViolation"
  }

  /**
   * A lock held by another session could not be obtained in time (ISAM -107, -113, -144, -154 …).
   *
   * @since 0.1.0
   */
  get isLockTimeout(): boolean {
    return this.category === "LockTimeout"
  }

  /**
   * The server detected a deadlock (ISAM -143 / -78).
   *
   * @since 0.1.0
   */
  get isDeadlock(): boolean {
    return this.category === "Deadlock"
  }

  /**
   * The statement text is not valid SQL (-201 …).
   *
   * @since 0.1.0
   */
  get isSyntax(): boolean {
    return this.category === "SyntaxError"
  }

  /**
   * A referenced table, column, database or routine does not exist (-206, -217, -329, -674).
   *
   * @since 0.1.0
   */
  get isNotFound(): boolean {
    return this.category === "NotFound"
  }

  /**
   * The user lacks a privilege (-272 … -275, -387 … -389).
   *
   * @since 0.1.0
   */
  get isAuthorization(): boolean {
    return this.category === "Authorization"
  }

  /**
   * The statement was interrupted on request (-213): the reply to a cancelled statement.
   *
   * @since 0.1.0
   */
  get isInterrupted(): boolean {
    return this.category === "Interrupted"
  }

  /**
   * Lock timeouts and deadlocks may succeed when retried.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    const category = this.category
    return category === "LockTimeout" || category === "Deadlock"
  }
}

/**
 * The server sent bytes the driver cannot interpret (unknown opcode, truncated or oversized message). The session
 * is retired: its state can no longer be trusted.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProtocolError extends Schema.TaggedError<ProtocolError>("effect-informix/ProtocolError")(
  "ProtocolError",
  {
    message: Schema.String,
    opcode: Schema.optional(Schema.Number),
    offset: Schema.optional(Schema.Number),
    cause: Schema.optional(Schema.Defect())
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The client refused a statement before sending it, so no server (and no SQLCODE) was involved; the session stays
 * usable.
 *
 * - With `index`: the parameter at `params[index]` (0-based; the message counts from 1, like the `?` placeholders)
 *   cannot be bound — a JS type with no Informix counterpart (Symbol, function, plain object, array, Map …), a value
 *   out of range (NaN, ±Infinity, a bigint beyond INT8, an invalid Date), text the connection's code set cannot
 *   encode, or a value longer than a bind carries.
 * - Without `index`: the request as a whole cannot be encoded, e.g. SQL text longer than the framing negotiated with
 *   the server allows.
 * - A streamed BYTE/TEXT parameter (`InformixValue.byteStream` / `textStream`) whose Stream failed while it was being
 *   sent (its error in `cause`), or that cannot be bound by the call used. The server was told to drop the statement
 *   (SQ_FERR): nothing ran.
 *
 * Messages name the JS type or the size, never the parameter's value. `sql` is the statement text with placeholders.
 *
 * @since 0.1.0
 * @category errors
 */
export class ParameterError extends Schema.TaggedError<ParameterError>("effect-informix/ParameterError")(
  "ParameterError",
  {
    message: Schema.String,
    index: Schema.optional(Schema.Number),
    /** The row of an `executeMany` batch the parameter belongs to (0-based). */
    row: Schema.optional(Schema.Number),
    sql: Schema.String,
    /** The failure of a streamed parameter's Stream (`InformixValue.byteStream` / `textStream`). */
    cause: Schema.optional(Schema.Defect())
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The server described result columns the client cannot decode (a column type this driver does not support, or a
 * description it cannot interpret), or a codec of the `types` option rejected a value of its type. It is reported
 * when the statement is prepared, before any row is read (or, for a codec, when the row arrives), so unlike
 * `ProtocolError` the byte stream is intact: the statement is released and the session stays usable. Retrying the
 * same statement fails the same way; select the column cast to a supported type instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResultDecodeError extends Schema.TaggedError<ResultDecodeError>("effect-informix/ResultDecodeError")(
  "ResultDecodeError",
  {
    message: Schema.String,
    sql: Schema.String
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * A `PreparedStatement` was used after its scope closed and the server-side statement was released. A programming
 * error on the caller's side; the session is unaffected.
 *
 * @since 0.1.0
 * @category errors
 */
export class StatementReleasedError extends Schema.TaggedError<StatementReleasedError>(
  "effect-informix/StatementReleasedError"
)("StatementReleasedError", {
  message: Schema.String,
  sql: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The driver was used in a way that cannot work: a statement without a result set opened as a scroll cursor, a row
 * position that is not an integer, … A programming error on the caller's side, detected before anything is sent; the
 * session is unaffected.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("effect-informix/UsageError")("UsageError", {
  message: Schema.String,
  sql: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The outcome of one row of a batch (`executeMany`): what `execute` returns for a single row.
 *
 * @since 0.1.0
 * @category models
 */
export const BatchRowResult: Schema.Struct<{
  readonly rowsAffected: Schema.Number
  readonly serial: Schema.optional<Schema.Number>
  readonly serial8: Schema.optional<Schema.BigInt>
  readonly bigserial: Schema.optional<Schema.BigInt>
}> = Schema.Struct({
  rowsAffected: Schema.Number,
  serial: Schema.optional(Schema.Number),
  serial8: Schema.optional(Schema.BigInt),
  bigserial: Schema.optional(Schema.BigInt)
})

/**
 * One failed row of a batch: its index in the input (0-based) and the server's error for it.
 *
 * @since 0.1.0
 * @category models
 */
export const BatchFailure: Schema.Struct<{ readonly index: Schema.Number; readonly error: typeof SqlError }> = Schema
  .Struct({ index: Schema.Number, error: SqlError })

/**
 * Rows of a batch (`executeMany`) failed on the server. `index` is the first failing row (0-based) and `cause` its
 * `SqlError`; `failures` lists every failed row (one with `onError: "stop"`, possibly several with `"continue"`);
 * `results` has one entry per input row: the row's result, or `null` for a row that failed or never ran (with
 * `"stop"`, every row after `index`). Rows that ran are not undone: wrap the batch in a transaction to get all or
 * nothing. The session stays usable.
 *
 * @since 0.1.0
 * @category errors
 */
export class BatchError extends Schema.TaggedError<BatchError>("effect-informix/BatchError")("BatchError", {
  message: Schema.String,
  index: Schema.Number,
  cause: SqlError,
  failures: Schema.Array(BatchFailure),
  results: Schema.Array(Schema.NullOr(BatchRowResult)),
  sql: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * No pooled connection became available within the pool's acquire timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class PoolTimeoutError extends Schema.TaggedError<PoolTimeoutError>("effect-informix/PoolTimeoutError")(
  "PoolTimeoutError",
  {
    message: Schema.String,
    timeoutMillis: Schema.Number
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * The pool may have capacity again later.
   *
   * @since 0.1.0
   */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The configuration (object, URL or environment) is invalid: malformed URL, port out of range, unknown locale …
 * `field` names the offending setting. A URL with a password is never echoed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigError extends Schema.TaggedError<ConfigError>("effect-informix/ConfigError")("ConfigError", {
  message: Schema.String,
  field: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * Every error effect-informix reports.
 *
 * @since 0.1.0
 * @category errors
 */
export type InformixError =
  | ConnectionError
  | AuthenticationError
  | SqlError
  | ProtocolError
  | PoolTimeoutError
  | ConfigError
  | ParameterError
  | ResultDecodeError
  | StatementReleasedError
  | UsageError
  | BatchError

/**
 * Schema of the whole family, for serialising errors (RPC, logs) and decoding them back.
 *
 * @since 0.1.0
 * @category errors
 */
export const InformixError: Schema.Union<[
  typeof ConnectionError,
  typeof AuthenticationError,
  typeof SqlError,
  typeof ProtocolError,
  typeof PoolTimeoutError,
  typeof ConfigError,
  typeof ParameterError,
  typeof ResultDecodeError,
  typeof StatementReleasedError,
  typeof UsageError,
  typeof BatchError
]> = Schema.Union([
  ConnectionError,
  AuthenticationError,
  SqlError,
  ProtocolError,
  PoolTimeoutError,
  ConfigError,
  ParameterError,
  ResultDecodeError,
  StatementReleasedError,
  UsageError,
  BatchError
])

/**
 * Whether a value is one of the Informix errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isInformixError = (u: unknown): u is InformixError => Predicate.hasProperty(u, TypeId)

/**
 * The fields of an SQ_ERR message as decoded from the wire (SQLI.md §7.13).
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerErrorFields {
  readonly sqlcode: number
  readonly isamCode: number
  readonly offset: number
  readonly parameter: string
  readonly sqlState?: string | undefined
  /** The server's own text, sent with an SQLSTATE for −937 (a routine's error); appended to the message. */
  readonly message?: string | undefined
}

/**
 * Builds the `SqlError` for an SQ_ERR, with its message formatted from the client-side catalogue. Pass the SQL text
 * as sent (placeholders, no values).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromServerError = (fields: ServerErrorFields, sql?: string | undefined): SqlError =>
  new SqlError({
    sqlcode: fields.sqlcode,
    isamCode: fields.isamCode,
    offset: fields.offset,
    parameter: fields.parameter,
    message: SqlCodes.formatServerMessage(fields.sqlcode, fields.isamCode, fields.parameter) +
      (fields.message === undefined || fields.message.length === 0 ? "" : `: ${fields.message}`),
    ...(fields.sqlState === undefined ? {} : { sqlState: fields.sqlState }),
    ...(sql === undefined ? {} : { sql })
  })

/**
 * Builds the `AuthenticationError` for a login rejected with an SQL code (e.g. -951, -952, -761). The password is
 * not a parameter, so it cannot leak into the message.
 *
 * @since 0.1.0
 * @category constructors
 */
export const authenticationFailed = (
  fields: Pick<ServerErrorFields, "sqlcode" | "isamCode" | "parameter">,
  identity: { readonly user: string; readonly server?: string | undefined }
): AuthenticationError =>
  new AuthenticationError({
    sqlcode: fields.sqlcode,
    isamCode: fields.isamCode,
    user: identity.user,
    // The login reply's parameter is normally the user name; fall back to it so the message says who failed.
    message: SqlCodes.formatServerMessage(
      fields.sqlcode,
      fields.isamCode,
      fields.parameter.length > 0 ? fields.parameter : identity.user
    ),
    ...(identity.server === undefined ? {} : { server: identity.server })
  })

/**
 * The category of an SQLCODE / ISAM code pair, without building an error.
 *
 * @since 0.1.0
 * @category models
 */
export const categorize: (sqlcode: number, isamCode: number) => SqlErrorCategory = SqlCodes.classify
