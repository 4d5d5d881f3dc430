/**
 * A TestServer in a child process, so a benchmark's own process holds only the client: the script re-runs itself
 * with `--serve`, the child prints its URL on its first stdout line and serves until the parent closes its stdin.
 */
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import * as Readline from "node:readline"
import * as TestServer from "../src/TestServer.ts"

/** The child's part: serve until stdin ends. */
export const serve = (options?: TestServer.TestServerOptions) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(options)
    process.stdout.write(JSON.stringify({ url: server.url }) + "\n")
    // Runs until the parent closes stdin.
    yield* Effect.callback<void>((resume) => {
      process.stdin.on("end", () => resume(Effect.void))
      process.stdin.resume()
    })
  }).pipe(Effect.scoped)

/** The parent's part: starts `script --serve` and gives its URL; the child ends with the scope. */
export const startServer = (script: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly child: ChildProcess.ChildProcess; readonly url: string }>((resume) => {
      const child = ChildProcess.spawn(process.execPath, [script, "--serve"], { stdio: ["pipe", "pipe", "inherit"] })
      Readline.createInterface({ input: child.stdout! }).once("line", (line) => {
        resume(Effect.succeed({ child, url: (JSON.parse(line) as { url: string }).url }))
      })
    }),
    ({ child }) => Effect.sync(() => child.stdin!.end())
  )
