/**
 * What JDBC tools (DBeaver, SQuirreL, IntelliJ, Spring) read through java.sql.DatabaseMetaData on connect, asked of
 * IBM's JDBC driver against TestServer: a probe (conformance/jdbc/probes/MetaDataProbe.java, compiled against the
 * installed JDBC jars by probes.ts) creates two tables with a primary key, a foreign key and an index, a view, a
 * synonym, a sequence, a procedure and a function, then calls getCatalogs, getSchemas, getTableTypes, getTables
 * (with type filters), getColumns, getPrimaryKeys, getImportedKeys / getExportedKeys / getCrossReference,
 * getIndexInfo, getProcedures / getProcedureColumns / getFunctions, getTypeInfo and the product / user / supports
 * answers. IBM JDBC answers most of them with its own catalog SQL (IfxDatabaseMetaData), so the expected values are
 * what that SQL reads from a real server's catalog for this schema (docs/protocol-evidence.md). Needs Java (javac)
 * and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

describe("IBM JDBC DatabaseMetaData", () => {
  it.live("the calls JDBC tools make on connect read the catalog as on a real server", () =>
    Effect.gen(function*() {
      ensurePeers()
      const server = yield* TestServer.make()
      const output = yield* runJdbcProbe("MetaDataProbe", [String(server.port)])
      const seen = observations(output)
      assert.deepStrictEqual(seen, {
        product: "Informix Dynamic Server 15.0.1.0.3",
        version: "15.0",
        user: "informix",
        readOnly: "false",
        // JDBC's own answers (IfxDatabaseMetaData): a blank quote string without DELIMIDENT, fixed supports* flags.
        quote: "",
        supports: "true,true,true,true,true,true,true,false,true,false",
        isolation: "2,true",
        // The server's database list (SQ_DBLIST) and the owners in systables.
        catalogs: "sysadmin;syscdcv1;sysmaster;sysuser;sysutils;testdb",
        schemas: "informix",
        "schemas.catalog": "informix@testdb",
        catalog: "testdb,informix",
        // A UNION of trimmed literals: its column is as wide as 'SYSTEM TABLE'; SYNONYM as a public synonym exists.
        tableTypes: "SYNONYM;SYSTEM TABLE;TABLE;VIEW",
        "tables.user": "testdb.informix.animal:SYNONYM;testdb.informix.owner:TABLE;testdb.informix.pet:TABLE;" +
          "testdb.informix.pet_tags:VIEW",
        "tables.table": "testdb.informix.owner:TABLE;testdb.informix.pet:TABLE",
        "tables.view": "testdb.informix.pet_tags:VIEW",
        "tables.synonym": "testdb.informix.animal:SYNONYM",
        // JDBC lower-cases the pattern; a sequence (tabtype 'Q') falls into its CASE's 'UNKNOWN'.
        "tables.pattern": "testdb.informix.pet:TABLE;testdb.informix.pet_seq:UNKNOWN;testdb.informix.pet_tags:VIEW",
        "tables.system": "true,true,true,false",
        // Another database of the instance: JDBC reads `sysmaster:informix.systables`.
        "tables.otherCatalog": "sysmaster.informix.sysdatabases:TABLE",
        "tables.sequence": "testdb.informix.pet_seq:UNKNOWN",
        "columns.owner": "ownerid:4:serial:10:0:NO:1:YES:null;name:12:varchar:30:0:NO:2:NO:null;" +
          "balance:3:decimal:10:2:YES:3:NO:0",
        "columns.view": "id:4:integer:10:0:YES:1:NO:null;tag:1:char:8:0:YES:2:NO:null",
        // A synonym's columns are its table's (the UNION branch of JDBC's getColumns through syssyntable).
        "columns.synonym": "id:4:integer:10:0:NO:1:NO:null;owner_id:4:integer:10:0:YES:2:NO:null;" +
          "tag:1:char:8:0:YES:3:NO:null",
        "columns.otherCatalog": "name:1:char:128:0:YES:1:NO:null",
        "columns.one": "owner_id:4:integer:10:0:YES:2:NO:null",
        primaryKeys: "owner.ownerid:1:u100_1",
        importedKeys: "owner.ownerid<-pet.owner_id:1:1:true:true",
        exportedKeys: "owner.ownerid<-pet.owner_id:1:1:true:true",
        crossReference: "owner.ownerid<-pet.owner_id:1:1:true:true",
        indexInfo: "id:unique:1:constraint;owner_id:dup:1:constraint;tag:dup:1:pet_tag",
        // JDBC 15 sends the same query for unique=true and keeps every index (its own behaviour, not the server's).
        "indexInfo.unique": "id;owner_id;tag",
        procedures: "informix.pet_count:2;informix.rename_pet:1",
        // sysproccolumns: name, paramattr (1 IN, 5 return value), java.sql.Types, type, precision, length, paramid.
        procedureColumns: "pet_id:1:4:integer:10:4:1;new_tag:1:1:char(8):8:8:2",
        functionColumns: "total:5:4:integer:10:4:0;owner:1:4:integer:10:4:1",
        // Spring's SimpleJdbcCall: a null column pattern, the name in upper case (JDBC lower-cases it).
        "procedureColumns.spring": "pet_id:1:4:integer:10:4:1;new_tag:1:1:char(8):8:8:2",
        // JDBC's own query orders `by procid`, a select-list column of two tables that both have one.
        "functionColumns.jdbc4": "total:5:4;owner:1:4",
        // getFunctions matches '%pet%%' in JDBC's own query.
        functions: "rename_pet:1;pet_count:0",
        typeInfo: "27:true:true",
        bestRow: "id",
        // JDBC's getVersionColumns lists SERIAL columns (`mod(c.coltype, 256) = 6`).
        versionColumns: "ownerid",
        tablePrivileges: "public:DELETE;public:INDEX;public:INSERT;public:SELECT;public:UPDATE",
        done: "true"
      }, output)
    }).pipe(Effect.scoped), 120_000)
})
