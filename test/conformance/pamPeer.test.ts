/**
 * IBM's JDBC logs in through the TestServer's PAM mode with its own challenge handler (JDBC-PAM-TRIGGERS-CDC.md §1):
 * the loop runs after SQ_PROTOCOLS and before SQ_INFO, error / info challenges reach the handler without an answer
 * on the wire, a refusal ends in JDBC's −79885. conformance/jdbc/probes/PamProbe.java is compiled here with javac
 * against the installed JDBC jars (a probe, not a shared conformance scenario: informix-driver has no PAM handler).
 *
 * Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as TestServer from "../../src/TestServer.ts"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const jdbcLib = path.join(root, "conformance/jdbc/target/lib/*")

const ensurePeers = (): void => {
  if (fs.existsSync(path.join(root, "conformance/jdbc/target/.installed"))) return
  const setup = spawnSync("bash", [path.join(root, "conformance/setup.sh")], { encoding: "utf8" })
  if (setup.status !== 0) throw new Error(`conformance/setup.sh failed: ${setup.stdout}\n${setup.stderr}`)
}

/** Runs a command without blocking the event loop (the server lives in this process). */
const run = (command: string, args: ReadonlyArray<string>): Effect.Effect<string> =>
  Effect.callback<string>((resume) => {
    let output = ""
    const child = spawn(command, args)
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("error", (error) => resume(Effect.succeed(`failed to start ${command}: ${error.message}`)))
    child.on("close", () => resume(Effect.succeed(output)))
  })

/** The `key=value` lines the probe printed. */
const observations = (output: string): Record<string, string> =>
  Object.fromEntries(
    output.split("\n").flatMap((line) => {
      const match = /^([\w.]+)=(.*)$/.exec(line.trim())
      return match === null ? [] : [[match[1]!, match[2]!]]
    })
  )

describe("IBM JDBC against the TestServer's PAM mode", () => {
  it.live(
    "its IFX_PAM_CLASS handler answers password and code prompts; wrong answers and a refusal give −79885",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const classes = fs.mkdtempSync(path.join(os.tmpdir(), "pam-probe-"))
        const javac = spawnSync("javac", [
          "-d",
          classes,
          "-cp",
          jdbcLib,
          path.join(root, "conformance/jdbc/probes/PamProbe.java")
        ], { encoding: "utf8" })
        assert.strictEqual(javac.status, 0, javac.stderr)
        const server = yield* TestServer.make({
          users: { alice: "alice-pw", bob: "bob-pw", mallory: "mallory-pw" },
          pam: {
            alice: { mode: "password" },
            bob: { mode: "passwordAndCode", code: "424242" },
            mallory: { mode: "refuse" }
          }
        })
        const output = yield* run("java", [
          "-cp",
          [classes, jdbcLib].join(path.delimiter),
          "PamProbe",
          String(server.port)
        ])
        fs.rmSync(classes, { recursive: true, force: true })
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.strictEqual(seen["alice.select"], "7", output)
        // (observations() trims each line: the last prompt's trailing blank is not compared)
        assert.strictEqual(seen["alice.seen"], "1:Password:")
        assert.strictEqual(seen["aliceWrong.sqlcode"], "-79885", output)
        assert.strictEqual(seen["bob.select"], "7", output)
        assert.strictEqual(
          seen["bob.seen"],
          "1:Password: |4:A verification code was sent to your device.|2:Verification code:"
        )
        assert.strictEqual(seen["bobWrong.sqlcode"], "-79885", output)
        assert.strictEqual(seen["mallory.sqlcode"], "-79885", output)
        assert.strictEqual(seen["mallory.seen"], "3:Account locked: contact the administrator.")
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )
})
