/**
 * Running the peers' probes (small programs beside the conformance scenarios) from tests: the peers' install check,
 * a non-blocking command runner (the TestServer lives in the test's process), and the `key=value` lines they print.
 */
import * as Effect from "effect/Effect"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const jdbcLib = path.join(root, "conformance/jdbc/target/lib/*")

/** Installs the peers (conformance/setup.sh) unless they are already. */
export const ensurePeers = (): void => {
  if (fs.existsSync(path.join(root, "conformance/jdbc/target/.installed"))) return
  const setup = spawnSync("bash", [path.join(root, "conformance/setup.sh")], { encoding: "utf8" })
  if (setup.status !== 0) throw new Error(`conformance/setup.sh failed: ${setup.stdout}\n${setup.stderr}`)
}

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

/** The `key=value` lines a probe printed (each line trimmed). */
export const observations = (output: string): Record<string, string> =>
  Object.fromEntries(
    output.split("\n").flatMap((line) => {
      const match = /^([\w.]+)=(.*)$/.exec(line.trim())
      return match === null ? [] : [[match[1]!, match[2]!]]
    })
  )

/**
 * Compiles conformance/jdbc/probes/`name`.java against the installed JDBC jars into a temporary folder (never into
 * the peers' target) and runs it with `args`; the folder is removed afterwards. Returns what the probe printed.
 */
export const runJdbcProbe = (name: string, args: ReadonlyArray<string>): Effect.Effect<string, Error> =>
  Effect.suspend(() => {
    const classes = fs.mkdtempSync(path.join(os.tmpdir(), `${name.toLowerCase()}-`))
    const javac = spawnSync(
      "javac",
      ["-d", classes, "-cp", jdbcLib, path.join(root, `conformance/jdbc/probes/${name}.java`)],
      { encoding: "utf8" }
    )
    if (javac.status !== 0) {
      fs.rmSync(classes, { recursive: true, force: true })
      return Effect.fail(new Error(`javac ${name}.java failed: ${javac.stderr}`))
    }
    return run("java", ["-cp", [classes, jdbcLib].join(path.delimiter), name, ...args]).pipe(
      Effect.ensuring(Effect.sync(() => fs.rmSync(classes, { recursive: true, force: true })))
    )
  })
