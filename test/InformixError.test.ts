import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as InformixError from "../src/InformixError.ts"
import { resolveConfig } from "../src/internal/config/resolve.ts"
import {
  classify,
  formatServerMessage,
  knownIsamCodes,
  knownSqlCodes,
  reasonTagOf,
  type SqlCodeCategory
} from "../src/internal/sqlcodes.ts"
import * as Protocol from "../src/Protocol.ts"

const serverError = (sqlcode: number, isamCode = 0, parameter = "", sql?: string) =>
  InformixError.fromServerError({ sqlcode, isamCode, offset: 7, parameter }, sql)

describe("message catalogue", () => {
  it("substitutes the parameter and names the ISAM cause", () => {
    const error = serverError(-206, -111, "nosuchtable", "SELECT * FROM nosuchtable")
    assert.strictEqual(
      error.message,
      "[-206] Table (nosuchtable) does not exist in the database (ISAM -111: no record found)"
    )
    assert.strictEqual(error.sql, "SELECT * FROM nosuchtable")
    assert.strictEqual(error.offset, 7)
    assert.strictEqual(error.parameter, "nosuchtable")
    assert.strictEqual(String(error), `effect-informix/SqlError: ${error.message}`)
  })

  it("appends a parameter the template has no place for, and keeps unknown codes informative", () => {
    assert.strictEqual(formatServerMessage(-201, 0, "selct"), "[-201] Syntax error in the statement (selct)")
    assert.strictEqual(formatServerMessage(-201, 0, ""), "[-201] Syntax error in the statement")
    assert.strictEqual(formatServerMessage(-9999, 0, "x"), "[-9999] Informix error (x)")
    assert.strictEqual(formatServerMessage(-9999, -999, ""), "[-9999] Informix error (ISAM -999)")
    assert.strictEqual(
      formatServerMessage(-951, 0, "bob"),
      "[-951] Incorrect password, or user bob is unknown to the database server"
    )
  })

  it("knows every code the protocol notes and the brief list, and every template renders cleanly", () => {
    const required = [
      -201,
      -206,
      -208,
      -213,
      -217,
      -236,
      -239,
      -243,
      -244,
      -245,
      -246,
      -254,
      -255,
      -256,
      -258,
      -259,
      -260,
      -267,
      -268,
      -271,
      -285,
      -329,
      -349,
      -387,
      -391,
      -415,
      -535,
      -759,
      -761,
      -908,
      -951,
      -1213,
      -1215,
      -1226,
      -1262,
      -1263,
      -23101,
      -23197
    ]
    const known = new Set(knownSqlCodes())
    for (const code of required) assert.isTrue(known.has(code), `sqlcode ${code} missing`)
    const isam = new Set(knownIsamCodes())
    for (const code of [-100, -107, -111, -113, -143, -154]) assert.isTrue(isam.has(code), `isam ${code} missing`)
    for (const code of known) {
      const message = formatServerMessage(code, 0, "obj")
      assert.notInclude(message, "%s")
      assert.include(message, "obj", `parameter lost for ${code}`)
      assert.match(message, new RegExp(`^\\[${code}\\] [A-Z]`))
    }
  })
})

describe("classification", () => {
  const cases: ReadonlyArray<readonly [number, number, SqlCodeCategory]> = [
    [-239, -100, "UniqueViolation"],
    [-268, 0, "UniqueViolation"],
    [-271, -100, "UniqueViolation"],
    [-391, 0, "ConstraintViolation"],
    [-530, 0, "ConstraintViolation"],
    [-691, 0, "ConstraintViolation"],
    [-692, 0, "ConstraintViolation"],
    [-244, -154, "LockTimeout"],
    [-243, -107, "LockTimeout"],
    [-271, -113, "LockTimeout"],
    [-246, -144, "LockTimeout"],
    [-378, 0, "LockTimeout"],
    [-243, -143, "Deadlock"],
    [-271, -78, "Deadlock"],
    [-201, 0, "SyntaxError"],
    [-236, 0, "SyntaxError"],
    [-206, -111, "NotFound"],
    [-217, 0, "NotFound"],
    [-329, -111, "NotFound"],
    [-272, 0, "Authorization"],
    [-387, 0, "Authorization"],
    [-951, 0, "Authentication"],
    [-908, 0, "Connection"],
    [-25582, 0, "Connection"],
    [-213, 0, "Interrupted"],
    [-1213, 0, "Unknown"],
    [-271, 0, "Unknown"],
    [-9999, 0, "Unknown"]
  ]

  it("sorts SQLCODE / ISAM pairs, letting lock and duplicate ISAM codes decide", () => {
    for (const [sqlcode, isam, category] of cases) {
      assert.strictEqual(classify(sqlcode, isam), category, `${sqlcode}/${isam}`)
      assert.strictEqual(serverError(sqlcode, isam).category, category)
      assert.strictEqual(InformixError.categorize(sqlcode, isam), category)
    }
  })

  it("exposes the categories as getters", () => {
    const unique = serverError(-268, 0, "u_email")
    assert.isTrue(unique.isUniqueViolation)
    assert.isTrue(unique.isConstraintViolation)
    assert.isFalse(unique.isRetryable)
    const notNull = serverError(-391, 0, "name")
    assert.isFalse(notNull.isUniqueViolation)
    assert.isTrue(notNull.isConstraintViolation)
    const lock = serverError(-244, -154)
    assert.isTrue(lock.isLockTimeout)
    assert.isTrue(lock.isRetryable)
    const deadlock = serverError(-243, -143)
    assert.isTrue(deadlock.isDeadlock)
    assert.isFalse(deadlock.isLockTimeout)
    assert.isTrue(deadlock.isRetryable)
    assert.isTrue(serverError(-201).isSyntax)
    assert.isTrue(serverError(-206, -111, "t").isNotFound)
    assert.isTrue(serverError(-273).isAuthorization)
    assert.isTrue(serverError(-213).isInterrupted)
    const other = serverError(-1213)
    for (
      const flag of [
        other.isUniqueViolation,
        other.isConstraintViolation,
        other.isLockTimeout,
        other.isDeadlock,
        other.isSyntax,
        other.isNotFound,
        other.isAuthorization,
        other.isInterrupted,
        other.isRetryable
      ]
    ) assert.isFalse(flag)
  })

  it("maps every category to one effect/sql reason tag", () => {
    assert.strictEqual(reasonTagOf("UniqueViolation"), "UniqueViolation")
    assert.strictEqual(reasonTagOf("ConstraintViolation"), "ConstraintError")
    assert.strictEqual(reasonTagOf("LockTimeout"), "LockTimeoutError")
    assert.strictEqual(reasonTagOf("Deadlock"), "DeadlockError")
    assert.strictEqual(reasonTagOf("SyntaxError"), "SqlSyntaxError")
    assert.strictEqual(reasonTagOf("NotFound"), "SqlSyntaxError")
    assert.strictEqual(reasonTagOf("Authorization"), "AuthorizationError")
    assert.strictEqual(reasonTagOf("Authentication"), "AuthenticationError")
    assert.strictEqual(reasonTagOf("Connection"), "ConnectionError")
    assert.strictEqual(reasonTagOf("Interrupted"), "StatementTimeoutError")
    assert.strictEqual(reasonTagOf("Unknown"), "UnknownError")
  })
})

const groupFailure = () =>
  new InformixError.ConnectionError({
    reason: "Unavailable",
    host: "db1",
    port: 9088,
    message: "No server of the group logged in",
    attempts: [
      { server: "ol_a", host: "db1", port: 9088, error: "ConnectionError", reason: "Refused", message: "refused" },
      { server: "ol_b", host: "db2", port: 9088, error: "AuthenticationError", sqlcode: -951, message: "denied" }
    ],
    redirects: [{ server: "ol_c", host: "db3", port: "9089" }]
  })

const all = (): ReadonlyArray<InformixError.InformixError> => [
  new InformixError.ConnectionError({ reason: "Refused", host: "db", port: 9088, message: "connection refused" }),
  InformixError.authenticationFailed({ sqlcode: -951, isamCode: 0, parameter: "" }, { user: "bob", server: "ol" }),
  serverError(-239, -100, "ix_u"),
  new InformixError.ProtocolError({ message: "unexpected opcode 999", opcode: 999, offset: 12 }),
  new InformixError.PoolTimeoutError({ message: "no connection within 5s", timeoutMillis: 5000 }),
  new InformixError.ConfigError({ message: "Invalid port: 0", field: "port" }),
  new InformixError.ParameterError({
    message: "Parameter 2 cannot be bound: cannot bind a value of JS type symbol",
    index: 1,
    sql: "INSERT INTO t VALUES (?, ?)"
  }),
  new InformixError.ParameterError({ message: "The request could not be encoded: too long", sql: "SELECT 1" }),
  new InformixError.ResultDecodeError({ message: "The result columns cannot be decoded", sql: "SELECT x FROM t" }),
  new InformixError.StatementReleasedError({ message: "already released", sql: "SELECT 1" }),
  groupFailure()
]

describe("the error family", () => {
  it("is recognised by isInformixError, and nothing else is", () => {
    for (const error of all()) {
      assert.isTrue(InformixError.isInformixError(error), error.message)
      assert.instanceOf(error, Error)
    }
    assert.isFalse(InformixError.isInformixError(new Error("x")))
    assert.isFalse(InformixError.isInformixError({ _tag: "SqlError" }))
    assert.isFalse(InformixError.isInformixError(null))
  })

  it("uses the server's parameter, or the user name, in the authentication message", () => {
    const error = InformixError.authenticationFailed({ sqlcode: -951, isamCode: 0, parameter: "" }, { user: "bob" })
    assert.strictEqual(error.message, "[-951] Incorrect password, or user bob is unknown to the database server")
    assert.strictEqual(error.user, "bob")
    assert.strictEqual(error.server, undefined)
  })

  it("round-trips through its Schema as JSON", () => {
    const codec = Schema.toCodecJson(InformixError.InformixError)
    for (const error of all()) {
      const json = JSON.parse(JSON.stringify(Schema.encodeSync(codec)(error)))
      const decoded = Schema.decodeUnknownSync(codec)(json)
      assert.strictEqual(decoded.constructor, error.constructor)
      assert.strictEqual(decoded.message, error.message)
      assert.isTrue(InformixError.isInformixError(decoded))
    }
    const group = groupFailure()
    assert.deepStrictEqual(
      Schema.decodeUnknownSync(codec)(JSON.parse(JSON.stringify(Schema.encodeSync(codec)(group)))),
      group,
      "a group failure keeps its attempts and redirects"
    )
    const decoded = Schema.decodeUnknownSync(codec)(
      Schema.encodeSync(codec)(serverError(-244, -154, "t", "UPDATE t SET a = ?"))
    )
    assert.instanceOf(decoded, InformixError.SqlError)
    if (decoded instanceof InformixError.SqlError) {
      assert.isTrue(decoded.isLockTimeout)
      assert.strictEqual(decoded.sql, "UPDATE t SET a = ?")
    }
  })

  it("tells client-detected failures apart from server errors: no SqlError without a server code", () => {
    const tags = new Set<string>(all().map((error) => error._tag))
    for (const tag of ["ParameterError", "ResultDecodeError", "StatementReleasedError"]) assert.isTrue(tags.has(tag))
    for (const error of all()) {
      if (error._tag === "ParameterError" || error._tag === "ResultDecodeError") {
        assert.notProperty(error, "sqlcode", error._tag)
        assert.isString(error.sql)
      }
    }
    const codec = Schema.toCodecJson(InformixError.InformixError)
    const decoded = Schema.decodeUnknownSync(codec)(Schema.encodeSync(codec)(all()[6]!))
    assert.instanceOf(decoded, InformixError.ParameterError)
    if (decoded instanceof InformixError.ParameterError) assert.strictEqual(decoded.index, 1)
  })

  it.effect("can be yielded and caught by tag", () =>
    Effect.gen(function*() {
      const caught = yield* serverError(-268, 0, "u").pipe(
        Effect.catchTag("SqlError", (error) => Effect.succeed(error.isUniqueViolation))
      )
      assert.isTrue(caught)
    }))
})

const rendered = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  error instanceof Error ? error.message : "",
  error instanceof Error ? String(error.stack) : "",
  Cause.pretty(Cause.fail(error))
]

describe("passwords never appear", () => {
  const password = "Tr0ub4dor&3-p4ssw0rd"

  it.effect("in errors built from a configuration that holds one", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({
        url: `informix://bob:${encodeURIComponent(password)}@db.example:9088/stores?server=ol`
      })
      assert.strictEqual(Redacted.value(config.password!), password)
      const errors: ReadonlyArray<InformixError.InformixError> = [
        new InformixError.ConnectionError({
          reason: "Timeout",
          host: config.host,
          port: config.port,
          message: `connecting to ${config.host}:${config.port} timed out`
        }),
        InformixError.authenticationFailed({ sqlcode: -951, isamCode: 0, parameter: config.user }, {
          user: config.user,
          server: config.server
        }),
        serverError(-329, -111, config.database!)
      ]
      for (const error of errors) {
        for (const text of rendered(error)) assert.notInclude(text, password)
      }
      // The resolved config itself prints the password redacted.
      assert.notInclude(String(config.password), password)
      assert.notInclude(JSON.stringify(config), password)
    }))

  it.effect("in ConfigErrors from bad URLs and bad fields next to a password", () =>
    Effect.gen(function*() {
      const inputs = [
        `informix://bob:${password}@db:70000/stores`,
        `informix://bob:${encodeURIComponent(password)}@db/stores?bogus=1`,
        `informix://bob:${encodeURIComponent(password)}@db/stores?tls=perhaps`,
        `informix://bob:${encodeURIComponent(password)}%zz@db/stores`
      ]
      for (const input of inputs) {
        const exit = yield* Effect.exit(resolveConfig(input))
        assert.isTrue(Exit.isFailure(exit), input)
        if (Exit.isFailure(exit)) {
          for (const text of [...rendered(exit.cause), Cause.pretty(exit.cause)]) {
            assert.notInclude(text, password)
            assert.notInclude(text, encodeURIComponent(password))
          }
        }
      }
      const fieldError = yield* Effect.flip(
        resolveConfig({ user: "bob", password: Redacted.make(password), port: -1 })
      )
      for (const text of rendered(fieldError)) assert.notInclude(text, password)
    }))
})

describe("error tags", () => {
  it("the codec's error and the public ProtocolError do not share a _tag (catchTag tells them apart)", () => {
    const codec = new Protocol.ProtocolCodecError({ message: "x" })
    const publicError = new InformixError.ProtocolError({ message: "x" })
    assert.strictEqual(codec._tag, "ProtocolCodecError")
    assert.strictEqual(publicError._tag, "ProtocolError")
    assert.isFalse(InformixError.isInformixError(codec))
  })
})
