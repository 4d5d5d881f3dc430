/**
 * Statement spans on the pooled fast path when a tracer is installed: statements that had to queue for a session of
 * a full pool (woken in turn, leased without a scope) still get their span, with the database attributes, the time
 * spent waiting for the session, and an end; with span propagation on, the statement's work on the session runs under
 * its span. Fake sessions behind a real Pool.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Schedule from "effect/Schedule"
import * as Statement from "effect/sql/Statement"
import * as Tracer from "effect/Tracer"
import type * as Connection from "../src/Connection.ts"
import * as InformixClient from "../src/InformixClient.ts"
import * as Pool from "../src/Pool.ts"
import { recordingTracer } from "./recordingTracer.ts"
import { makeFakes } from "./reliability/fakeConnection.ts"

describe("InformixClient statement spans", () => {
  it.live("statements queued for a full pool keep their spans, ended, with the connection wait", () =>
    Effect.gen(function*() {
      const fakes = makeFakes(() => [{ n: 1 }])
      // The span each query on a session runs under.
      const parents: Array<string | undefined> = []
      const acquire = Effect.map(
        fakes.acquire,
        (fake): Connection.Connection =>
          Object.assign(Object.create(fake) as Connection.Connection, {
            query: (text: string, params?: ReadonlyArray<unknown>) =>
              Effect.andThen(
                Effect.map(
                  Effect.serviceOption(Tracer.ParentSpan),
                  (span) => void parents.push(Option.getOrUndefined(span)?.spanId)
                ),
                fake.query(text, params as never)
              )
          })
      )
      const pool = yield* Pool.makeWith({ acquire, maxConnections: 1 })
      const sql = yield* InformixClient.fromPool(pool, { url: "informix://u@db.example:9090/stores?server=ol" })
      const { spans, tracer } = recordingTracer()
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.forkChild(pool.use(() => Deferred.await(release)))
      yield* Effect.repeat(Effect.map(pool.stats, (stats) => stats.inUse === 1), {
        until: (held) => held,
        schedule: Schedule.spaced("1 millis")
      })
      // With span propagation on, the statement's work on the session runs under its span.
      const statement = (i: number) =>
        sql`SELECT n FROM t WHERE i = ${i}`.pipe(
          Effect.withTracer(tracer),
          Effect.provideService(Statement.SpanPropagationEnabled, true)
        )
      const queued = yield* Effect.forkChild(Effect.all([statement(1), statement(2)], { concurrency: 2 }))
      yield* Effect.repeat(Effect.map(pool.stats, (stats) => stats.waiting === 2), {
        until: (both) => both,
        schedule: Schedule.spaced("1 millis")
      })
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
      assert.deepStrictEqual(yield* Fiber.join(queued), [[{ n: 1 }], [{ n: 1 }]])

      const statementSpans = spans.filter((span) => span.attributes.get("db.system.name") === "informix")
      assert.strictEqual(statementSpans.length, 2)
      for (const span of statementSpans) {
        assert.strictEqual(span.status._tag, "Ended")
        assert.strictEqual(span.kind, "client")
        assert.strictEqual(span.attributes.get("db.namespace"), "stores")
        assert.strictEqual(span.attributes.get("server.address"), "db.example")
        assert.isTrue(String(span.attributes.get("db.query.text")).startsWith("SELECT n FROM t WHERE i = ?"))
        assert.isNumber(span.attributes.get("db.client.connection.wait_time_ms"))
      }
      assert.sameMembers(parents, statementSpans.map((span) => span.spanId))
    }).pipe(Effect.provide(Reactivity.layer)))
})
