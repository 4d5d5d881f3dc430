/**
 * IBM's JDBC driver on the TestServer's extended types (JDBC-COMPLEX-TYPES.md §2, §8–§10): effect-informix creates and
 * fills DISTINCT, JSON, BSON, named ROW and opaque columns, conformance/jdbc/probes/TypesProbe.java reads them and
 * writes its own rows (IfxDistinct binds, setString on JSON, setObject(IfxBSONObject) after its sysxtdtypes
 * look-up, a java.sql.Struct named `person_t` resolved through sysxtdtypes / sysattrtypes), and effect-informix reads
 * JDBC's rows back. A probe compiled with javac against the installed JDBC jars
 * (probes.ts); needs Java and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Connection from "../../src/Connection.ts"
import * as Informix from "../../src/InformixValue.ts"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC on TestServer extended types", () => {
  it.live(
    "DISTINCT, JSON, BSON, named ROW and opaque columns written by each side and read by the other",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const server = yield* TestServer.make()
        const conn = yield* Connection.make(server.url)
        for (
          const sql of [
            "CREATE DISTINCT TYPE dollars AS DECIMAL(10,2)",
            "CREATE DISTINCT TYPE dbool AS BOOLEAN",
            "CREATE TABLE t_acct (id INT, bal dollars, ok dbool)",
            "INSERT INTO t_acct VALUES (1, 12.5::dollars, 't')",
            "CREATE TABLE t_docs (id INT, j JSON, b BSON)",
            "CREATE ROW TYPE person_t (name VARCHAR(30), age INT)",
            "CREATE TABLE t_people (id INT, p person_t)",
            "INSERT INTO t_people VALUES (1, ROW('Ann', 41)::person_t)",
            "INSERT INTO t_people VALUES (2, NULL)",
            "CREATE OPAQUE TYPE point (INTERNALLENGTH = 4)",
            "CREATE TABLE t_shapes (p point)"
          ]
        ) yield* conn.execute(sql)
        yield* conn.execute("INSERT INTO t_docs VALUES (?, ?, ?)", [
          1,
          Informix.json({ a: [1, "x"] }),
          Informix.bson({ a: 1, s: "é" })
        ])
        yield* conn.execute("INSERT INTO t_shapes VALUES (?)", [Informix.namedType("point", Uint8Array.of(1, 2, 3, 4))])

        const output = yield* runJdbcProbe("TypesProbe", [String(server.port)])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.deepStrictEqual(seen, {
          "distinct.insert": "1",
          "distinct.meta": "2001/dollars,2001/dbool",
          "distinct.values": "12.50:true;3.25:false;",
          "docs.insert": "1",
          "docs.meta": "2000/json,2000/bson",
          "docs.1.j": `{"a":[1,"x"]}`,
          "docs.1.b": `IfxBSONObject {"a":1,"s":"é"}`,
          "docs.2.j": `{"from":"jdbc"}`,
          "docs.2.b": `IfxBSONObject {"n":5,"s":"jdbc"}`,
          "row.insert": "1",
          "row.meta": "2002/person_t",
          // JDBC's Struct writer pads VARCHAR fields to the declared length (JDBC-COMPLEX-TYPES.md §7.3); the
          // server keeps what was bound.
          "row.values": `person_t[Ann, 41];null;person_t[${"Zed".padEnd(30)}, 5];`,
          "opaque.meta": "2000/point",
          "opaque.bytes": "[1, 2, 3, 4]",
          done: "true"
        }, output)

        // effect-informix reads what JDBC wrote.
        const docs = yield* conn.query("SELECT j, b FROM t_docs WHERE id = 2")
        assert.deepStrictEqual(docs, [{ j: { from: "jdbc" }, b: { n: 5, s: "jdbc" } }])
        const people = yield* conn.query("SELECT p FROM t_people WHERE id = 3")
        assert.deepStrictEqual(people, [{ p: { name: "Zed".padEnd(30), age: 5 } }])
        const acct = yield* conn.query("SELECT bal, ok FROM t_acct WHERE id = 2")
        assert.deepStrictEqual(acct, [{ bal: BigDecimal.fromStringUnsafe("3.25"), ok: false }])
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )
})
