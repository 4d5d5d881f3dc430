/**
 * `npm run bench`: runs every benchmark script in its own Node process (so one's heap does not skew another's),
 * collects the JSON each prints on its last stdout line, and writes bench/results/<date>.json plus a markdown table.
 *
 * Each benchmark measures its baseline (raw socket floor, peer client, ...) in the same run, so ratios compare like
 * with like on this machine.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const here = import.meta.dirname
const scripts = [
  "decode.ts",
  "decode-e2e.ts",
  "decode-columns.ts",
  "roundtrip.ts",
  "pool.ts",
  "layers.ts",
  "statements.ts",
  "interrupt.ts",
  "failover.ts",
  "peer-python.ts",
  "peer-jdbc.ts",
  "smartLob.ts",
  "byteText.ts",
  "changes.ts"
].filter((
  name
) => existsSync(join(here, name)))
const only = process.argv.slice(2)
const selected = only.length > 0 ? scripts.filter((name) => only.some((o) => name.startsWith(o))) : scripts

interface BenchResult {
  readonly name: string
  readonly metrics: Record<string, number | string>
}

const results: Array<BenchResult> = []
let failed = false
for (const script of selected) {
  process.stdout.write(`\n# ${script}\n`)
  const run = spawnSync(process.execPath, ["--expose-gc", join(here, script)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" }
  })
  const lines = run.stdout.trim().split("\n")
  process.stdout.write(lines.slice(0, -1).join("\n") + "\n")
  const last = lines.at(-1) ?? ""
  if (run.status !== 0 || !last.startsWith("{")) {
    failed = true
    process.stdout.write(`${script} failed (exit ${run.status})\n${last}\n`)
    continue
  }
  const parsed = JSON.parse(last) as { results: Array<BenchResult> }
  results.push(...parsed.results)
}

const table = [
  "| benchmark | metric | value |",
  "| --- | --- | --- |",
  ...results.flatMap((r) => Object.entries(r.metrics).map(([k, v]) => `| ${r.name} | ${k} | ${v} |`))
].join("\n")
mkdirSync(join(here, "results"), { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, "-")
writeFileSync(join(here, "results", `${stamp}.json`), JSON.stringify({ node: process.version, results }, null, 2))
writeFileSync(join(here, "results", `${stamp}.md`), table + "\n")
process.stdout.write(`\n${table}\n`)
process.exit(failed ? 1 : 0)
