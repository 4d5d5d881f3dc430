/**
 * Bad input: malformed URLs and settings, values of the wrong type as parameters, oversized values and statements,
 * invalid locales. Each must end in a clear typed error (or, for what a real server accepts, an answer) within a
 * bound — never a defect, never a hang — and must leave the session usable. No message may contain the password.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Connection from "../../src/Connection.ts"
import type { InformixError } from "../../src/InformixError.ts"
import * as TestServer from "../../src/TestServer.ts"

const SECRET = "Sekr3t-Pw-7731"

/** Every call here must settle within this; a hang fails the test as a defect. */
const bounded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.exit(Effect.timeoutOrElse(effect, {
    duration: "5 seconds",
    orElse: () => Effect.die(new Error("no answer within 5 seconds: hangs"))
  }))

const typedFailure = <A>(exit: Exit.Exit<A, unknown>): InformixError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const cause = (exit as Exit.Failure<A, unknown>).cause
  assert.isFalse(Cause.hasDies(cause), `a defect instead of a typed error: ${String(cause)}`)
  return Cause.squash(cause) as InformixError
}

const openWith = (input: unknown) =>
  // oxlint-disable-next-line no-explicit-any -- deliberately untyped input, as from JSON or JavaScript callers
  bounded(Effect.scoped(Effect.asVoid(Connection.make(input as any))))

describe("bad configuration", () => {
  const cases: ReadonlyArray<readonly [name: string, input: unknown, field: string]> = [
    ["empty URL", "", "url"],
    ["URL without user", "informix://", "user"],
    ["unsupported scheme", `mysql://u:${SECRET}@localhost/db`, "url"],
    ["port that is not a number", `informix://u:${SECRET}@localhost:notaport/db?server=x`, "url"],
    ["port out of range in the URL", `informix://u:${SECRET}@localhost:70000/db`, "port"],
    ["port out of range in a URL without password", "informix://u@h:70000/db", "port"],
    ["malformed percent-encoding", "informix://u:%ZZ@localhost/db", "password"],
    ["unknown URL parameter", `informix://u:${SECRET}@localhost/db?frobnicate=1`, "url"],
    [
      "unsupported client locale code set",
      `informix://u:${SECRET}@localhost/db?clientLocale=en_US.klingon`,
      "clientLocale"
    ],
    [
      "database locale that is not a locale",
      { host: "localhost", user: "u", password: Redacted.make(SECRET), dbLocale: "english" },
      "dbLocale"
    ],
    ["port NaN", { host: "h", user: "u", password: Redacted.make(SECRET), port: Number.NaN }, "port"],
    ["port as a string", { host: "h", user: "u", password: Redacted.make(SECRET), port: "9088" }, "port"],
    ["negative connect timeout", { host: "h", user: "u", connectTimeout: -5 }, "connectTimeout"],
    ["zero fetch buffer", { host: "h", user: "u", fetchBufferSize: 0 }, "fetchBufferSize"],
    ["unknown isolation", { host: "h", user: "u", isolation: "serializable" }, "isolation"],
    ["blank host", { host: "  ", user: "u" }, "host"],
    ["tls as a string", { host: "h", user: "u", password: Redacted.make(SECRET), tls: "yes" }, "tls"],
    ["tls as a number", { host: "h", user: "u", tls: 1 }, "tls"],
    ["tls as null", { host: "h", user: "u", tls: null }, "tls"]
  ]
  for (const [name, input, field] of cases) {
    it.live(`${name} → ConfigError(${field}), without the password`, () =>
      Effect.gen(function*() {
        const error = typedFailure(yield* openWith(input))
        assert.strictEqual(error._tag, "ConfigError", `${error._tag}: ${error.message}`)
        assert.strictEqual((error as Extract<InformixError, { _tag: "ConfigError" }>).field, field)
        if (name.startsWith("port out of range")) assert.include(error.message, "out of range")
        assert.notInclude(error.message, SECRET)
        assert.notInclude(JSON.stringify(error), SECRET)
      }))
  }

  // Regression (fixed in 7b3d0ec): a plain-string password from untyped callers used to be run as an Effect and die
  // with "Not a valid effect: <the password>" — a defect carrying the secret.
  it.live("a plain-string password (untyped caller) → ConfigError without the password", () =>
    Effect.gen(function*() {
      const exit = yield* openWith({ host: "127.0.0.1", user: "u", password: SECRET })
      assert.notInclude(String(Exit.isFailure(exit) ? exit.cause : ""), SECRET)
      const error = typedFailure(exit)
      assert.strictEqual(error._tag, "ConfigError")
    }))

  // Regression (fixed in 7b3d0ec): `null` as the settings used to die with a TypeError.
  it.live("null settings (untyped caller) → ConfigError", () =>
    Effect.gen(function*() {
      const error = typedFailure(yield* openWith(null))
      assert.strictEqual(error._tag, "ConfigError")
    }))
})

describe("bad parameters and oversized input", () => {
  const session = Effect.gen(function*() {
    const server = yield* TestServer.make()
    const conn = yield* Connection.make(server.url)
    yield* conn.execute("CREATE TABLE t (v VARCHAR(255), i INTEGER, c CHAR(5))")
    /** The session still answers correctly. */
    const usable = Effect.gen(function*() {
      assert.strictEqual(conn.state, "idle")
      const exit = yield* bounded(conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = 1", [7]))
      assert.isTrue(Exit.isSuccess(exit), "the session answers after the bad input")
      assert.deepStrictEqual((exit as Exit.Success<ReadonlyArray<ReadonlyArray<unknown>>>).value, [[7]])
    })
    return { server, conn, usable }
  })

  const unbindable: ReadonlyArray<readonly [string, unknown]> = [
    ["a Symbol", Symbol("s")],
    ["a function", () => 1],
    ["a plain object", { a: 1 }],
    ["an array", [1, 2]],
    ["a Map", new Map()],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a bigint beyond INT8", 2n ** 70n],
    ["an invalid Date", new Date("not a date")],
    ["text the Latin-1 code set cannot encode", "\u65e5\u672c"]
  ]
  for (const [name, value] of unbindable) {
    it.live(`${name} as a parameter → ParameterError naming the parameter; session usable`, () =>
      Effect.gen(function*() {
        const { conn, usable } = yield* session
        const error = typedFailure(yield* bounded(conn.execute("INSERT INTO t (i) VALUES (?)", [value])))
        assert.strictEqual(error._tag, "ParameterError", `${error._tag}: ${error.message}`)
        assert.strictEqual((error as Extract<InformixError, { _tag: "ParameterError" }>).index, 0)
        assert.include(error.message, "Parameter 1")
        yield* usable
      }).pipe(Effect.scoped))
  }

  it.live("a value that does not fit the column → the server's typed error (-1215); session usable", () =>
    Effect.gen(function*() {
      const { conn, usable } = yield* session
      const error = typedFailure(yield* bounded(conn.execute("INSERT INTO t (i) VALUES (?)", [2 ** 40])))
      assert.strictEqual(error._tag, "SqlError")
      assert.strictEqual((error as Extract<InformixError, { _tag: "SqlError" }>).sqlcode, -1215)
      yield* usable
    }).pipe(Effect.scoped))

  it.live("a 70,000-byte string (more than a CHAR bind carries) → typed error before anything is sent", () =>
    Effect.gen(function*() {
      const { conn, usable } = yield* session
      const error = typedFailure(yield* bounded(conn.execute("INSERT INTO t (v) VALUES (?)", ["x".repeat(70_000)])))
      assert.strictEqual(error._tag, "ParameterError")
      assert.include(error.message, "65535")
      yield* usable
    }).pipe(Effect.scoped))

  it.live("an over-long CHAR value is truncated to the column, as Informix does", () =>
    Effect.gen(function*() {
      const { conn, usable } = yield* session
      yield* conn.execute("INSERT INTO t (c) VALUES (?)", ["abcdefghij"])
      assert.deepStrictEqual(yield* conn.values("SELECT c FROM t WHERE c IS NOT NULL"), [["abcde"]])
      yield* usable
    }).pipe(Effect.scoped))

  // VALUES.md §8.11 — Informix silently truncates an over-long VARCHAR value on insert (observed by informix-driver).
  it.live("an over-long VARCHAR value is truncated to the column (300 chars into VARCHAR(255))", () =>
    Effect.gen(function*() {
      const { conn } = yield* session
      yield* conn.execute("INSERT INTO t (v) VALUES (?)", ["y".repeat(300)])
      assert.deepStrictEqual(yield* conn.values("SELECT LENGTH(v) FROM t WHERE v IS NOT NULL"), [[255]])
    }).pipe(Effect.scoped))

  it.live(
    "statements of 70 KB, 1 MB and 8 MB (4-byte SQL length) are answered; nothing hangs",
    () =>
      Effect.gen(function*() {
        const { conn, usable } = yield* session
        for (const size of [70_000, 1_000_000, 8_000_000]) {
          const sql = `SELECT 1 FROM systables WHERE tabid = 1 /*${"x".repeat(size)}*/`
          const exit = yield* bounded(conn.values(sql))
          if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value, [[1]])
          else assert.include(["SqlError", "ParameterError"], typedFailure(exit)._tag)
          yield* usable
        }
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("a wrong statement → typed syntax error with its offset; session usable", () =>
    Effect.gen(function*() {
      const { conn, usable } = yield* session
      const error = typedFailure(yield* bounded(conn.values("SELEC nonsense FROM")))
      assert.strictEqual(error._tag, "SqlError")
      assert.isTrue((error as Extract<InformixError, { _tag: "SqlError" }>).isSyntax, error.message)
      yield* usable
    }).pipe(Effect.scoped))

  it.live("too few and too many parameters → typed errors; session usable", () =>
    Effect.gen(function*() {
      const { conn, usable } = yield* session
      for (const params of [[], [1, 2, 3]]) {
        const error = typedFailure(
          yield* bounded(conn.values("SELECT ?::INTEGER FROM systables WHERE tabid = ?", params))
        )
        assert.strictEqual(error._tag, "SqlError", `${params.length} parameters: ${error._tag}`)
        yield* usable
      }
    }).pipe(Effect.scoped))
})
