/**
 * Failover under load against `TestServer.cluster` (issue #20): a pool of 10 behind the Connection Manager's primary
 * service level, 1,000 concurrent fibers (three requests each, writes and reads), the primary stopped mid-load and
 * the secondary promoted. Every request succeeds on the primary of its moment or fails with a typed error; no
 * acknowledged INSERT is lost; the pool serves again (asserted eventually: the scenario's probe gives up after 20 s).
 * The measured recovery times are reported by `npm run bench failover`, not asserted. Then the driver's other
 * cluster paths: service levels (primary / read-only sessions, a write refused on the secondary), a redirect chain,
 * a loop and a bad target from the Connection Manager, and a group with `targetServerType: "primary"` across a
 * promotion.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { defaultOptions, failoverScenario } from "../bench/failover.ts"
import * as Connection from "../src/Connection.ts"
import * as InformixError from "../src/InformixError.ts"
import * as TestServer from "../src/TestServer.ts"

describe("failover under load (TestServer.cluster)", () => {
  it.live(
    "stop the primary mid-load, promote the secondary: typed failures only, no acknowledged write lost",
    () =>
      Effect.gen(function*() {
        const outcome = yield* failoverScenario(defaultOptions)
        assert.strictEqual(outcome.requests, defaultOptions.fibers * defaultOptions.requestsPerFiber + 1)
        assert.strictEqual(outcome.untyped, 0, JSON.stringify(outcome.failedByKind))
        assert.deepStrictEqual(outcome.lostWrites, [])
        assert.strictEqual(outcome.answeredByNonPrimary, 0)
        // The failover happened under load: some requests failed, and writes were acknowledged.
        assert.isAbove(outcome.requests - outcome.succeeded, 0)
        assert.isAbove(outcome.acknowledgedWrites, 0)
        // The pool served again after the promotion (the probe succeeded, so recovery is a finite time).
        assert.isTrue(Number.isFinite(outcome.recoveryFromPromoteMillis), JSON.stringify(outcome))
      }).pipe(Effect.scoped),
    120_000
  )
})

describe("the driver against TestServer.cluster", () => {
  const levels: ReadonlyArray<TestServer.ServiceLevelOptions> = [
    { name: "oltp", route: "primary" },
    { name: "report", route: "secondary" },
    { name: "hop", route: { serviceLevel: "oltp" } },
    { name: "loop_a", route: { serviceLevel: "loop_b" } },
    { name: "loop_b", route: { serviceLevel: "loop_a" } },
    { name: "bad", route: { detail: "ol_nowhere:127.0.0.1:sqlexec" } }
  ]
  const urlOf = (cluster: TestServer.TestCluster, name: string) =>
    cluster.serviceLevels.find((level) => level.name === name)!.url

  it.live("service levels: primary and secondary sessions, a write on the secondary fails typed", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster({ serviceLevels: levels })
      const primary = yield* Connection.make(urlOf(cluster, "oltp"))
      const secondary = yield* Connection.make(urlOf(cluster, "report"))
      assert.deepStrictEqual([primary.readOnly, secondary.readOnly], [false, true])
      yield* primary.execute("CREATE TABLE t (id INTEGER)")
      yield* primary.execute("INSERT INTO t VALUES (1)")
      const error = yield* Effect.flip(secondary.execute("INSERT INTO t VALUES (2)"))
      assert.instanceOf(error, InformixError.SqlError)
      assert.strictEqual((error as InformixError.SqlError).sqlcode, -271)
      // The session stays usable and sees the primary's committed row.
      assert.deepStrictEqual(yield* secondary.query("SELECT id FROM t"), [{ id: 1 }])
    }).pipe(Effect.scoped))

  it.live("redirect chains are followed, loops and bad targets fail typed", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster({ serviceLevels: levels })
      const viaHop = yield* Connection.make(urlOf(cluster, "hop"))
      assert.strictEqual(viaHop.port, cluster.servers.find((s) => s.name === "ol_primary")!.port)
      const loop = yield* Effect.flip(Connection.make(urlOf(cluster, "loop_a")))
      assert.strictEqual(loop._tag === "ConnectionError" ? loop.reason : loop._tag, "RedirectLoop")
      const bad = yield* Effect.flip(Connection.make(urlOf(cluster, "bad")))
      assert.strictEqual(bad._tag === "ConnectionError" ? bad.reason : bad._tag, "Redirected")
    }).pipe(Effect.scoped))

  it.live("a group of the members with targetServerType primary lands on the primary, before and after promotion", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster({ secondaries: ["ol_sds1"] })
      const servers = cluster.servers.toReversed().map(({ host, port, name }) => ({ host, port, server: name }))
      const options = { url: cluster.servers[0]!.url, servers, targetServerType: "primary" as const }
      const before = yield* Connection.make(options)
      assert.deepStrictEqual([before.port, before.readOnly], [cluster.servers[0]!.port, false])
      yield* cluster.promote("ol_sds1")
      const after = yield* Connection.make(options)
      assert.deepStrictEqual([after.port, after.readOnly], [cluster.servers[1]!.port, false])
    }).pipe(Effect.scoped))
})
