import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a JDBC tool (DBeaver, SQuirreL, IntelliJ, Spring) reads through java.sql.DatabaseMetaData on connect, asked of
 * IBM's JDBC driver against a small schema: two tables with a primary key, a foreign key and an index, a view, a
 * procedure and a function, a synonym and a sequence (test/conformance/metaDataPeer.test.ts compiles and runs it).
 * IBM JDBC answers most calls with its own catalog SQL (IfxDatabaseMetaData), so this probes the TestServer's catalog.
 * Prints one "key=value" line per observation, rows joined by ";". Not part of the conformance peer build.
 */
public final class MetaDataProbe {
  private interface Call {
    String run() throws Exception;
  }

  private interface Row {
    String read(ResultSet rs) throws Exception;
  }

  private static void print(String key, Call call) {
    String value;
    try {
      value = call.run();
    } catch (Exception e) {
      value = "error " + e;
      e.printStackTrace(System.err);
    }
    System.out.println(key + "=" + value);
  }

  private static String rows(ResultSet rs, Row row) throws Exception {
    List<String> seen = new ArrayList<>();
    try (ResultSet r = rs) {
      if (r == null) return "null";
      while (r.next()) seen.add(row.read(r));
    }
    return String.join(";", seen);
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:informix-sqli://127.0.0.1:" + args[0] + "/testdb"
      + ":INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE owner (ownerid SERIAL PRIMARY KEY, name VARCHAR(30) NOT NULL, "
          + "balance DECIMAL(10,2) DEFAULT 0)");
        s.execute("CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (ownerid), "
          + "tag CHAR(8))");
        s.execute("CREATE INDEX pet_tag ON pet (tag)");
        s.execute("CREATE VIEW pet_tags (id, tag) AS SELECT id, tag FROM pet");
        s.execute("CREATE SYNONYM animal FOR pet");
        s.execute("CREATE SEQUENCE pet_seq");
        s.execute("CREATE PROCEDURE rename_pet(pet_id INTEGER, new_tag CHAR(8)) "
          + "UPDATE pet SET tag = new_tag WHERE id = pet_id; END PROCEDURE");
        s.execute("CREATE FUNCTION pet_count(owner INTEGER) RETURNING INTEGER AS total; "
          + "DEFINE n INTEGER; SELECT COUNT(*) INTO n FROM pet WHERE owner_id = owner; RETURN n; END FUNCTION");
      }
      DatabaseMetaData m = c.getMetaData();
      print("product", () -> m.getDatabaseProductName() + " " + m.getDatabaseProductVersion());
      print("version", () -> m.getDatabaseMajorVersion() + "." + m.getDatabaseMinorVersion());
      print("user", m::getUserName);
      print("readOnly", () -> String.valueOf(m.isReadOnly()));
      print("quote", m::getIdentifierQuoteString);
      print("supports", () -> m.supportsTransactions() + "," + m.supportsBatchUpdates() + ","
        + m.supportsSavepoints() + "," + m.supportsStoredProcedures() + "," + m.supportsGetGeneratedKeys() + ","
        + m.supportsOuterJoins() + "," + m.supportsUnion() + "," + m.supportsMultipleResultSets() + ","
        + m.supportsSchemasInTableDefinitions() + "," + m.supportsCatalogsInTableDefinitions());
      print("isolation", () -> m.getDefaultTransactionIsolation() + ","
        + m.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE));
      print("catalogs", () -> rows(m.getCatalogs(), r -> trim(r.getString("TABLE_CAT"))));
      print("schemas", () -> rows(m.getSchemas(), r -> trim(r.getString("TABLE_SCHEM"))));
      print("schemas.catalog", () -> rows(m.getSchemas("testdb", "%"),
        r -> trim(r.getString("TABLE_SCHEM")) + "@" + r.getString("TABLE_CATALOG")));
      print("catalog", () -> c.getCatalog() + "," + c.getSchema());
      print("tableTypes", () -> rows(m.getTableTypes(), r -> trim(r.getString("TABLE_TYPE"))));
      Row table = r -> r.getString("TABLE_CAT") + "." + r.getString("TABLE_SCHEM") + "." + r.getString("TABLE_NAME")
        + ":" + r.getString("TABLE_TYPE");
      print("tables.user", () -> rows(m.getTables(null, null, "%", new String[] {"TABLE", "VIEW", "SYNONYM"}), table));
      print("tables.table", () -> rows(m.getTables(null, null, "%", new String[] {"TABLE"}), table));
      print("tables.view", () -> rows(m.getTables(null, null, "%", new String[] {"VIEW"}), table));
      print("tables.synonym", () -> rows(m.getTables(null, null, "%", new String[] {"SYNONYM"}), table));
      print("tables.pattern", () -> rows(m.getTables(null, "informix", "PET%", null), table));
      print("tables.system", () -> {
        String all = rows(m.getTables(null, null, "sys%", new String[] {"SYSTEM TABLE"}), table);
        return all.contains("testdb.informix.systables:SYSTEM TABLE") + ","
          + all.contains("testdb.informix.syscolumns:SYSTEM TABLE") + ","
          + all.contains("testdb.informix.sysindexes:SYSTEM TABLE") + "," + all.contains(":TABLE");
      });
      print("tables.otherCatalog", () -> rows(m.getTables("sysmaster", null, "sysdatabases", null), table));
      print("tables.sequence", () -> rows(m.getTables(null, null, "pet_seq", null), table));
      Row column = r -> r.getString("COLUMN_NAME") + ":" + r.getInt("DATA_TYPE") + ":" + r.getString("TYPE_NAME")
        + ":" + r.getInt("COLUMN_SIZE") + ":" + r.getInt("DECIMAL_DIGITS") + ":" + r.getString("IS_NULLABLE") + ":"
        + r.getInt("ORDINAL_POSITION") + ":" + r.getString("IS_AUTOINCREMENT") + ":" + r.getString("COLUMN_DEF");
      print("columns.owner", () -> rows(m.getColumns(null, null, "owner", "%"), column));
      print("columns.view", () -> rows(m.getColumns(null, null, "pet_tags", "%"), column));
      print("columns.synonym", () -> rows(m.getColumns(null, null, "animal", "%"), column));
      print("columns.otherCatalog", () -> rows(m.getColumns("sysmaster", null, "sysdatabases", "name"), column));
      print("columns.one", () -> rows(m.getColumns(null, null, "pet", "own%"), column));
      print("primaryKeys", () -> rows(m.getPrimaryKeys(null, null, "owner"),
        r -> r.getString("TABLE_NAME") + "." + r.getString("COLUMN_NAME") + ":" + r.getInt("KEY_SEQ") + ":"
          + trim(r.getString("PK_NAME"))));
      Row key = r -> r.getString("PKTABLE_NAME") + "." + r.getString("PKCOLUMN_NAME") + "<-"
        + r.getString("FKTABLE_NAME") + "." + r.getString("FKCOLUMN_NAME") + ":" + r.getInt("KEY_SEQ") + ":"
        + r.getInt("DELETE_RULE") + ":" + (r.getString("FK_NAME") != null) + ":" + (r.getString("PK_NAME") != null);
      print("importedKeys", () -> rows(m.getImportedKeys(null, null, "pet"), key));
      print("exportedKeys", () -> rows(m.getExportedKeys(null, null, "owner"), key));
      print("crossReference", () -> rows(m.getCrossReference(null, null, "owner", null, null, "pet"), key));
      print("indexInfo", () -> {
        List<String> seen = new ArrayList<>();
        try (ResultSet r = m.getIndexInfo(null, null, "pet", false, false)) {
          while (r.next()) {
            if (r.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) continue;
            seen.add(r.getString("COLUMN_NAME") + ":" + (r.getBoolean("NON_UNIQUE") ? "dup" : "unique") + ":"
              + r.getShort("ORDINAL_POSITION") + ":" + (trim(r.getString("INDEX_NAME")).equals("pet_tag")
                ? "pet_tag" : "constraint"));
          }
        }
        seen.sort(null);
        return String.join(";", seen);
      });
      print("indexInfo.unique", () -> rows(m.getIndexInfo(null, null, "pet", true, false),
        r -> r.getString("COLUMN_NAME")));
      print("procedures", () -> rows(m.getProcedures(null, null, "%"),
        r -> r.getString("PROCEDURE_SCHEM") + "." + r.getString("PROCEDURE_NAME") + ":" + r.getShort("PROCEDURE_TYPE")));
      Row procedureColumn = r -> r.getString("COLUMN_NAME") + ":" + r.getShort("COLUMN_TYPE") + ":"
        + r.getInt("DATA_TYPE") + ":" + trim(r.getString("TYPE_NAME")) + ":" + r.getInt("PRECISION") + ":"
        + r.getInt("LENGTH") + ":" + r.getInt("ORDINAL_POSITION");
      print("procedureColumns", () -> rows(m.getProcedureColumns(null, null, "rename_pet", "%"), procedureColumn));
      print("functionColumns", () -> rows(m.getProcedureColumns(null, null, "pet_count", "%"), procedureColumn));
      // Spring's SimpleJdbcCall asks with a null column pattern and its own case for the name.
      print("procedureColumns.spring", () -> rows(m.getProcedureColumns(null, null, "RENAME_PET", null),
        procedureColumn));
      print("functionColumns.jdbc4", () -> rows(m.getFunctionColumns(null, null, "pet_count", "%"),
        r -> r.getString("COLUMN_NAME") + ":" + r.getShort("COLUMN_TYPE") + ":" + r.getInt("DATA_TYPE")));
      print("functions", () -> rows(m.getFunctions(null, null, "pet%"),
        r -> r.getString("FUNCTION_NAME") + ":" + r.getShort("FUNCTION_TYPE")));
      print("typeInfo", () -> {
        List<String> names = new ArrayList<>();
        try (ResultSet r = m.getTypeInfo()) {
          while (r.next()) names.add(r.getString("TYPE_NAME"));
        }
        return names.size() + ":" + names.contains("integer") + ":" + names.contains("varchar");
      });
      print("bestRow", () -> rows(m.getBestRowIdentifier(null, null, "pet", DatabaseMetaData.bestRowSession, true),
        r -> r.getString("COLUMN_NAME")));
      print("versionColumns", () -> rows(m.getVersionColumns(null, null, "owner"), r -> r.getString("COLUMN_NAME")));
      print("tablePrivileges", () -> rows(m.getTablePrivileges(null, null, "pet"),
        r -> r.getString("GRANTEE") + ":" + r.getString(6)));
    }
    System.out.println("done=true");
  }
}
