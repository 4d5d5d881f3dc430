/**
 * Running a peer probe (a JDBC class or a Python script) next to an in-process TestServer: the command's output, and
 * the `key=value` observation lines it printed.
 */
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"

/** Runs a command without blocking the event loop (the server lives in this process). */
export const run = (command: string, args: ReadonlyArray<string>): Effect.Effect<string> =>
  Effect.callback<string>((resume) => {
    let output = ""
    const child = spawn(command, args)
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("error", (error) => resume(Effect.succeed(`failed to start ${command}: ${error.message}`)))
    child.on("close", () => resume(Effect.succeed(output)))
  })

/** The `key=value` lines a probe printed. */
export const observations = (output: string): Record<string, string> =>
  Object.fromEntries(
    output.split("\n").flatMap((line) => {
      const match = /^([\w.]+)=(.*)$/.exec(line.trim())
      return match === null ? [] : [[match[1]!, match[2]!]]
    })
  )
