/**
 * Transactions through InformixClient under random interruption: 600 fibers over a pool of 5 sessions, each
 * writing two rows in one `sql.withTransaction`, a third of them interrupted at a random moment (waiting for a
 * session, between the statements, during a statement, around COMMIT).
 *
 * Asserted: atomicity (each fiber's rows are all there or none), every fiber that completed has its rows, no
 * transaction is left open on the server, no session is leased afterwards, and the pool still answers.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as InformixClient from "../../src/InformixClient.ts"
import * as TestServer from "../../src/TestServer.ts"
import { eventually } from "../eventually.ts"

const FIBERS = 600

describe("transactions under random interruption (TestServer)", () => {
  it.live("all-or-nothing per transaction, nothing left open", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const sql = yield* InformixClient.make({
        url: server.url,
        maxConnections: 5,
        acquireTimeout: "60 seconds",
        lockWait: { seconds: 10 }
      })
        .pipe(Effect.provide(Reactivity.layer))
      yield* sql`CREATE TABLE ledger (owner INTEGER, part INTEGER)`

      let state = 7
      const random = () => {
        state = (state * 1103515245 + 12345) & 0x7fffffff
        return state / 0x7fffffff
      }
      const transfer = (owner: number) =>
        sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO ledger VALUES (${owner}, ${1})`
          yield* Effect.yieldNow
          yield* sql`INSERT INTO ledger VALUES (${owner}, ${2})`
        }))

      const fibers: Array<Fiber.Fiber<void, unknown>> = []
      const interrupters: Array<Fiber.Fiber<void>> = []
      for (let owner = 0; owner < FIBERS; owner++) {
        const fiber = yield* Effect.forkChild(transfer(owner), { startImmediately: true })
        fibers.push(fiber)
        if (random() < 1 / 3) {
          const delay = random() * 400
          interrupters.push(
            yield* Effect.forkChild(Effect.andThen(Effect.sleep(`${delay} millis`), Fiber.interrupt(fiber)))
          )
        }
      }
      const exits = yield* Effect.forEach(fibers, Fiber.await)
      yield* Effect.forEach(interrupters, Fiber.await, { discard: true })

      const rows = yield* sql<{ owner: number; parts: number }>`
        SELECT owner, COUNT(*) AS parts FROM ledger GROUP BY owner`
      const parts = new Map(rows.map((row) => [Number(row.owner), Number(row.parts)]))
      let completed = 0
      let interrupted = 0
      exits.forEach((exit, owner) => {
        const count = parts.get(owner) ?? 0
        assert.include([0, 2], count, `transaction ${owner} is half there`)
        if (Exit.isSuccess(exit)) {
          completed++
          assert.strictEqual(count, 2, `committed transaction ${owner} lost its rows`)
        } else {
          assert.isTrue(Exit.hasInterrupts(exit), `transaction ${owner} failed: ${String(exit.cause)}`)
          interrupted++
        }
      })
      assert.isAbove(completed, 0)
      assert.isAbove(interrupted, 0)

      const stats = yield* eventually(server.stats, (s) => s.cursors === 0)
      assert.strictEqual(stats.transactions, 0, "no transaction left open")
      assert.strictEqual(stats.cursors, 0)
      assert.strictEqual((yield* sql.pool!.stats).inUse, 0)
      assert.isAtMost(stats.peakSessions, 5 + (yield* sql.pool!.stats).retired)
      assert.deepStrictEqual(yield* sql`SELECT COUNT(*) AS n FROM systables WHERE tabid = 1`, [{ n: 1 }])
    }), 120_000)
})
