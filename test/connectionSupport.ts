/**
 * What the Connection tests share: the typed error of a failed exit, and a TestServer with one Connection to it.
 */
import { assert } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Connection from "../src/Connection.ts"
import * as TestServer from "../src/TestServer.ts"

/** The typed error `exit` failed with; the test fails if it succeeded, died or was interrupted instead. */
export const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
  assert.isTrue(Option.isSome(error), "expected a typed failure")
  return Option.getOrThrow(error)
}

/** A TestServer and one Connection to it, both closed with the test's scope. */
export const serverAndConnection = Effect.gen(function*() {
  const server = yield* TestServer.make()
  const conn = yield* Connection.make(server.url)
  return { server, conn }
})
