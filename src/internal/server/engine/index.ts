/**
 * Informix-dialect SQL engine of the TestServer, on node:sqlite.
 *
 * API (see api.ts for the documented types):
 *   const engine = Engine.make({ directory: undefined, databases: [{ name: "testdb", logged: true }] })
 *   const session = engine.openSession("testdb", "informix")   // EngineSession | EngineError (-329)
 *   const p = session.prepare("SELECT ...")                      // Prepared | EngineError
 *   session.execute(p, params) / session.openCursor(p, params, { scroll })
 *   session.begin() / commit() / rollback() / savepoint(name) / ...
 *   engine.close()
 * Storage and the SQL subset are described in docs/sql-subset.md.
 */
export * from "./api.ts"
export { Engine } from "./engine.ts"
