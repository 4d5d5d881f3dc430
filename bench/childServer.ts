/**
 * A TestServer in a child process, for benchmarks that measure the client's memory: the server's buffers (a whole
 * BYTE value, a smart LOB's pages) then live in another heap. Run directly (`node bench/childServer.ts`), this file
 * is that child: it prints `{"url": …}` and serves until its stdin closes.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as ChildProcess from "node:child_process"
import * as Readline from "node:readline"
import * as TestServer from "../src/TestServer.ts"

const serve = Effect.gen(function*() {
  const server = yield* TestServer.make()
  process.stdout.write(JSON.stringify({ url: server.url }) + "\n")
  // Runs until the parent closes stdin.
  yield* Effect.callback<void>((resume) => {
    process.stdin.on("end", () => resume(Effect.void))
    process.stdin.resume()
  })
}).pipe(Effect.scoped)

/** Starts the child and gives its URL; the child ends when the scope closes. */
export const startServer: Effect.Effect<{ readonly url: string }, never, Scope.Scope> = Effect.acquireRelease(
  Effect.callback<{ readonly child: ChildProcess.ChildProcess; readonly url: string }>((resume) => {
    const child = ChildProcess.spawn(process.execPath, [import.meta.filename], { stdio: ["pipe", "pipe", "inherit"] })
    Readline.createInterface({ input: child.stdout! }).once("line", (line) => {
      resume(Effect.succeed({ child, url: (JSON.parse(line) as { url: string }).url }))
    })
  }),
  ({ child }) => Effect.sync(() => child.stdin!.end())
)

if (process.argv[1] === import.meta.filename) {
  Effect.runPromise(serve).catch((e: unknown) => {
    process.stderr.write(`${String(e)}\n`)
    process.exit(1)
  })
}
