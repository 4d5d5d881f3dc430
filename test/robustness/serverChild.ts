/**
 * A TestServer in its own process, for the storm: on a 2-core machine the server then gets a core of its own and
 * the test process holds only the driver. Started by `serverProcess.ts`.
 *
 * Protocol on stdio: the first stdout line is `{ url, host, port }`; each `stats` line on stdin is answered with one
 * JSON line `{ stats, urgent, urgentIdle }` (TestServer.stats, the number of urgent bytes that interrupted a request,
 * and the number that arrived while no request was unanswered, which the server ignored); each
 * `drop` line destroys every client connection (TestServer.dropConnections) and is answered with `{}`. The process
 * ends when stdin closes.
 */
import * as Effect from "effect/Effect"
import * as Readline from "node:readline"
import * as TestServer from "../../src/TestServer.ts"

const program = Effect.gen(function*() {
  let urgent = 0
  let urgentIdle = 0
  const server = yield* TestServer.make({
    protocolTrace: (event) => {
      // oxlint-disable-next-line no-underscore-dangle -- `_tag` is the trace event's discriminant
      if (event._tag === "Urgent" && event.ignored) urgentIdle++
      // oxlint-disable-next-line no-underscore-dangle -- as above
      else if (event._tag === "Urgent") urgent++
    }
  })
  process.stdout.write(JSON.stringify({ url: server.url, host: server.host, port: server.port }) + "\n")
  const lines = Readline.createInterface({ input: process.stdin })
  yield* Effect.callback<void>((resume) => {
    lines.on("line", (line) => {
      if (line.trim() === "drop") {
        Effect.runPromise(server.dropConnections).then(() => process.stdout.write("{}\n"))
        return
      }
      if (line.trim() !== "stats") return
      Effect.runPromise(server.stats).then((stats) => {
        const cpu = process.cpuUsage()
        process.stdout.write(
          JSON.stringify({ stats, urgent, urgentIdle, cpuMillis: (cpu.user + cpu.system) / 1000 }) + "\n"
        )
      })
    })
    lines.on("close", () => resume(Effect.void))
  })
}).pipe(Effect.scoped)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`server child failed: ${String(error)}\n`)
    process.exit(1)
  }
)
