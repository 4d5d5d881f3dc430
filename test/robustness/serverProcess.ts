/**
 * Starts `serverChild.ts` (a TestServer in a child process) for the duration of a scope and asks it for its
 * counters. Only the child started here is ever stopped, by its handle.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as Readline from "node:readline"
import type { TestServerStats } from "../../src/TestServer.ts"

export interface ServerProcess {
  readonly url: string
  /** TestServer counters plus the urgent bytes that interrupted a request. */
  readonly stats: Effect.Effect<
    { readonly stats: TestServerStats; readonly urgent: number; readonly urgentIdle: number }
  >
  /** Destroys every client connection, as if the server restarted. */
  readonly dropConnections: Effect.Effect<void>
}

export const startServerProcess: Effect.Effect<ServerProcess, Error, Scope.Scope> = Effect.gen(function*() {
  const child = yield* Effect.acquireRelease(
    Effect.sync(() =>
      ChildProcess.spawn(process.execPath, [Path.join(import.meta.dirname, "serverChild.ts")], {
        stdio: ["pipe", "pipe", "inherit"],
        env: { ...process.env, NODE_NO_WARNINGS: "1" }
      })
    ),
    (child) =>
      Effect.callback<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.stdin?.end()
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref()
      })
  )
  const lines = Readline.createInterface({ input: child.stdout! })
  const waiting: Array<(line: string) => void> = []
  const early: Array<string> = []
  lines.on("line", (line) => {
    const next = waiting.shift()
    if (next === undefined) early.push(line)
    else next(line)
  })
  const nextLine = Effect.callback<string, Error>((resume) => {
    const line = early.shift()
    if (line !== undefined) return resume(Effect.succeed(line))
    const onExit = (code: number | null) => resume(Effect.fail(new Error(`server child exited (${code})`)))
    child.once("exit", onExit)
    waiting.push((l) => {
      child.off("exit", onExit)
      resume(Effect.succeed(l))
    })
  })
  const info = JSON.parse(yield* nextLine) as { readonly url: string }
  // One request at a time: each answer is the next line.
  const ask = (command: string) =>
    Effect.suspend(() => {
      child.stdin!.write(`${command}\n`)
      return nextLine
    })
  const lock = Semaphore.makeUnsafe(1)
  return {
    url: info.url,
    dropConnections: lock.withPermits(1)(Effect.orDie(Effect.asVoid(ask("drop")))),
    stats: lock.withPermits(1)(
      ask("stats").pipe(
        Effect.map((line) =>
          JSON.parse(line) as { readonly stats: TestServerStats; readonly urgent: number; readonly urgentIdle: number }
        ),
        Effect.orDie
      )
    )
  }
})
