/**
 * The package root is the driver alone: importing it in a fresh Node process loads neither `node:sqlite` nor the
 * embedded server, and prints nothing (no ExperimentalWarning). TestServer has its own entry point.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

// A fresh process: the test runner itself has loaded node:sqlite long ago.
const importInFreshNode = (module: string) =>
  Effect.sync(() => {
    const child = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "await import(process.argv[1]); process.stdout.write(JSON.stringify(process.moduleLoadList))",
        fileURLToPath(new URL(module, import.meta.url))
      ],
      { encoding: "utf8" }
    )
    assert.strictEqual(child.status, 0, child.stderr)
    return { loaded: JSON.parse(child.stdout) as ReadonlyArray<string>, stderr: child.stderr }
  })

const sqlite = (loaded: ReadonlyArray<string>) => loaded.filter((m) => /\bsqlite\b/.test(m))

describe("package root", () => {
  it.effect("importing effect-informix loads neither node:sqlite nor prints a warning", () =>
    Effect.gen(function*() {
      const { loaded, stderr } = yield* importInFreshNode("../src/index.ts")
      assert.deepStrictEqual(sqlite(loaded), [])
      assert.strictEqual(stderr, "")
    }))

  it.effect("the probe sees node:sqlite when TestServer is imported (its own entry point)", () =>
    Effect.gen(function*() {
      const { loaded } = yield* importInFreshNode("../src/TestServer.ts")
      assert.include(sqlite(loaded), "NativeModule sqlite")
    }))
})
