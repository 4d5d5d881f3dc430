// Mutation testing of the concurrency core (`npm run mutate`; see docs/mutation.md). Not part of `npm test`.
//
// Only the code whose failure would hand one borrower's bytes or state to another is mutated: the session core's
// wire lock, dispatch, drain and retirement, the urgent-byte path, and the pool's return path. The ranges are found
// by the declarations that open and close them (not by line numbers), so they follow the code as it moves.
import { readFileSync } from "node:fs"

/**
 * `file:first-last`: from the line matching `from` to the line before the first later line matching `to`.
 *
 * @param {string} file
 * @param {RegExp} from
 * @param {RegExp} to
 */
const span = (file, from, to) => {
  const lines = readFileSync(file, "utf8").split("\n")
  const first = lines.findIndex((line) => from.test(line))
  const end = lines.findIndex((line, i) => i > first && to.test(line))
  if (first < 0 || end < 0) throw new Error(`stryker.config.mjs: ${file} has no ${from} ... ${to} range any more`)
  return `${file}:${first + 1}-${end}`
}

const session = "src/internal/connection/wireSession.ts"
const permit = "src/internal/connection/permit.ts"
const urgent = "src/internal/urgent.ts"
const connection = "src/Connection.ts"
const pool = "src/Pool.ts"

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  mutate: [
    // State transitions and their waiters, reading, its pause and dispatch, retirement, cleanup batches, exchanges
    // (wire lock, flush, streamed request bodies, urgent-byte guards, timeout, abandon + drain, finish). Not the
    // error-message builders.
    span(session, /^  set state\(/, /^  deadWith: /),
    span(session, /^  private onData\(/, /^  closedError\(\)/),
    span(session, /^  \/\*\* Writes `bytes` as the request/, /^  private drainTimeoutError\(\)/),
    span(session, /^  private finish\(\)/, /^  \/\*\* Used by the login sequence/),
    // The wire and owner locks themselves: synchronous take, first-come hand-over, an interrupted waiter's permit.
    span(permit, /^export class Permit/, /^\/\*\* Gives up every one of `permits`/),
    // Sending the byte: what the session calls (flushed? socket open? sent?).
    span(urgent, /^export type UrgentSendResult/, /^ \* Server side, plain TCP only/),
    span(connection, /^const urgentSender/, /^\/\*\*$/),
    // The pool: retirement, the checkout check and the whole return path.
    span(pool, /^const settled/, /^\/\*\*$/),
    span(pool, /^  const retire = /, /^  const acquire = /),
    span(pool, /^  const maxLifetimeMillis/, /^  const checkout = /),
    // The first-come queue of a full pool (`use`, `get` and `reserve`): the checkout and its timeout, the queue's
    // timer, the routing, the lease and the return checks when the borrower finishes.
    span(pool, /^  const checkout = /, /^export interface PoolConfig/)
  ],
  // The tests that guard this code, and nothing slow that does not (conformance peers, storms in child processes).
  testFiles: [
    "test/Connection.urgentGuards.test.ts",
    "test/connection/permit.test.ts",
    "test/Connection.streamGuards.test.ts",
    "test/Connection.interrupt.test.ts",
    "test/Connection.test.ts",
    "test/Connection.byteStream.test.ts",
    "test/Connection.byteStreamBind.test.ts",
    "test/urgent.test.ts",
    "test/Pool.test.ts",
    "test/Pool.return.test.ts",
    "test/Pool.queue.test.ts",
    "test/Pool.fullQueue.test.ts",
    "test/Pool.integration.test.ts"
  ],
  vitest: { configFile: "vitest.config.ts", related: false },
  ignorePatterns: ["conformance", "bench", "docs", "dtslint", "dist", "reports"],
  concurrency: 2,
  // Interrupt tests wait on real sockets and timers; a busy machine stretches them.
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always"
}
