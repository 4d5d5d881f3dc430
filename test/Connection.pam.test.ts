/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the error union */
/**
 * The PAM login loop end to end through the wire: the TestServer's PAM mode per user (password only, password +
 * verification code, refuse) against the `pam` option and its default (the configured password answers one
 * echo-off prompt; anything else fails with an AuthenticationError naming the prompt, never the password).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Connection from "../src/Connection.ts"
import type { InformixError } from "../src/InformixError.ts"
import * as TestServer from "../src/TestServer.ts"

const pamServer = TestServer.make({
  users: { informix: "in4mix", alice: "alice-pw", bob: "bob-pw", mallory: "mallory-pw" },
  pam: {
    alice: { mode: "password" },
    bob: { mode: "passwordAndCode", code: "424242" },
    mallory: { mode: "refuse" }
  }
})

const connect = (server: TestServer.TestServer, user: string, options: Partial<Connection.Options> = {}) =>
  Connection.make({
    host: server.host,
    port: server.port,
    server: server.serverName,
    database: server.database,
    user,
    ...options
  })

const failureOf = <A>(exit: Exit.Exit<A, InformixError>): InformixError => {
  assert.isTrue(Exit.isFailure(exit))
  return Cause.squash((exit as Exit.Failure<A, InformixError>).cause) as InformixError
}

const answering = (answers: Record<string, string>, seen: Array<Connection.PamChallenge>): Connection.PamHandler =>
(
  challenge
) => {
  seen.push(challenge)
  if (!challenge.expectsAnswer) return Effect.succeed("")
  const answer = answers[challenge.prompt]
  return answer === undefined ? Effect.fail(new Error("unknown prompt")) : Effect.succeed(answer)
}

describe("Connection: PAM login", () => {
  it.live("password-only PAM: the configured password answers the echo-off prompt, then SQ_INFO/DBOPEN go on", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const conn = yield* connect(server, "alice", { password: Redacted.make("alice-pw") })
      assert.deepStrictEqual(yield* conn.values("SELECT 1 FROM systables WHERE tabid = ?", [1]), [[1]])
      assert.strictEqual(conn.databaseInfo.database, server.database)
    }).pipe(Effect.scoped))

  it.live("password-only PAM with a wrong password: AuthenticationError, the password is never in it", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const error = failureOf(
        yield* Effect.exit(Effect.scoped(connect(server, "alice", { password: Redacted.make("wrong-secret") })))
      )
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag !== "AuthenticationError") return
      assert.strictEqual(error.sqlcode, -79885)
      assert.strictEqual(error.user, "alice")
      assert.notInclude(JSON.stringify(error) + error.message, "wrong-secret")
    }))

  it.live("password + code without a handler fails naming the code prompt (never the password)", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const error = failureOf(
        yield* Effect.exit(Effect.scoped(connect(server, "bob", { password: Redacted.make("bob-pw") })))
      )
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag !== "AuthenticationError") return
      assert.strictEqual(error.prompt, "Verification code: ")
      assert.include(error.message, "Verification code: ")
      assert.notInclude(JSON.stringify(error) + error.message, "bob-pw")
    }))

  it.live("password + code with a handler: every challenge reaches it (info too), the answers log in", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const seen: Array<Connection.PamChallenge> = []
      const conn = yield* connect(server, "bob", {
        pam: answering({ "Password: ": "bob-pw", "Verification code: ": "424242" }, seen)
      })
      assert.deepStrictEqual(yield* conn.values("SELECT 2 FROM systables WHERE tabid = 1"), [[2]])
      assert.deepStrictEqual(seen.map((c) => [c.style, c.prompt, c.echo, c.expectsAnswer]), [
        ["promptEchoOff", "Password: ", false, true],
        ["textInfo", "A verification code was sent to your device.", false, false],
        ["promptEchoOn", "Verification code: ", true, true]
      ])
    }).pipe(Effect.scoped))

  it.live("a wrong code is refused by the server", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const exit = yield* Effect.exit(Effect.scoped(connect(server, "bob", {
        pam: answering({ "Password: ": "bob-pw", "Verification code: ": "000000" }, [])
      })))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag === "AuthenticationError") assert.include(error.message, "refused")
    }))

  it.live("a failing handler ends the login with an AuthenticationError naming the prompt", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const exit = yield* Effect.exit(Effect.scoped(connect(server, "bob", {
        pam: answering({ "Password: ": "bob-pw" }, [])
      })))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "AuthenticationError")
      if (error._tag === "AuthenticationError") assert.strictEqual(error.prompt, "Verification code: ")
    }))

  it.live("a refusing PAM module: the error message reaches the handler, the login fails", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const seen: Array<Connection.PamChallenge> = []
      const exit = yield* Effect.exit(Effect.scoped(connect(server, "mallory", {
        pam: answering({ "Password: ": "mallory-pw" }, seen)
      })))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "AuthenticationError")
      assert.deepStrictEqual(seen.map((c) => c.style), ["errorMessage"])
    }))

  it.live("users without a PAM mode log in with the login PDU's password; no challenge reaches the handler", () =>
    Effect.gen(function*() {
      const server = yield* pamServer
      const seen: Array<Connection.PamChallenge> = []
      const conn = yield* connect(server, "informix", {
        password: Redacted.make("in4mix"),
        pam: answering({}, seen)
      })
      assert.deepStrictEqual(yield* conn.values("SELECT 3 FROM systables WHERE tabid = 1"), [[3]])
      assert.deepStrictEqual(seen, [])
    }).pipe(Effect.scoped))

  it.effect("a pam option that is not a function is a ConfigError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Connection.make({
        user: "alice",
        pam: "alice-pw" as unknown as Connection.PamHandler
      })))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ConfigError")
      if (error._tag === "ConfigError") assert.notInclude(error.message, "alice-pw")
    }))
})
