import { it } from "vitest"
import { Engine } from "../src/internal/server/engine/index.ts"
it("scratch", () => {
  const e = Engine.make({ databases: [{ name: "d", logged: true }] })
  const s = e.openSession("d", "informix") as any
  const run = (sql: string, ps: any[] = []) => {
    const p = s.prepare(sql)
    if (p._tag) {
      console.log("PREPARE", sql.slice(0, 60), p)
      return
    }
    if (p.columns.length > 0) {
      const c = s.openCursor(p, ps)
      console.log(sql.slice(0, 60), JSON.stringify(p.columns.map((c: any) => c.name)), c._tag ? c : c.next(50))
    } else console.log(sql.slice(0, 60), s.execute(p, ps))
  }
  run("CREATE TABLE t (id SERIAL PRIMARY KEY, name VARCHAR(20), qty INT)")
  run("INSERT INTO t (name, qty) VALUES ('a', 1)")
  run("SELECT id, rowid FROM t WHERE qty > 0")
  run("UPDATE t SET qty = 5 WHERE rowid = ?", [1n])
  run("SELECT t.rowid, id FROM t")
  e.close()
})
