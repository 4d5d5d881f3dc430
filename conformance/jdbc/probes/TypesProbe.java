import com.informix.jdbc.IfxBSONObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Arrays;

/**
 * IBM's JDBC driver on the TestServer's extended types (test/conformance/typesPeer.test.ts compiles and runs it):
 * DISTINCT columns (metadata and values as the base type, binds through SQ_IDESCRIBE), JSON and BSON columns written
 * by effect-informix and by JDBC itself (setString, setObject(IfxBSONObject) with its sysxtdtypes look-up), named ROW
 * columns (a Struct bound by its type's name through the catalog, IfxStruct read back with the type's name) and an opaque column read with getBytes. The tables t_* are created and
 * filled by the test through effect-informix first. Prints one "key=value" line per observation.
 */
public final class TypesProbe {
  private static String meta(ResultSetMetaData md, int i) throws Exception {
    return md.getColumnType(i) + "/" + md.getColumnTypeName(i);
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:informix-sqli://127.0.0.1:" + args[0]
      + "/testdb:INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    try (Connection c = DriverManager.getConnection(url)) {
      // DISTINCT: described as base | 0x0800; JDBC decodes the base and binds the base code (IfxDistinct).
      try (PreparedStatement p = c.prepareStatement("INSERT INTO t_acct VALUES (?, ?, ?)")) {
        p.setInt(1, 2);
        p.setBigDecimal(2, new java.math.BigDecimal("3.25"));
        p.setBoolean(3, false);
        System.out.println("distinct.insert=" + p.executeUpdate());
      }
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT bal, ok FROM t_acct ORDER BY id")) {
        ResultSetMetaData md = rs.getMetaData();
        System.out.println("distinct.meta=" + meta(md, 1) + "," + meta(md, 2));
        StringBuilder values = new StringBuilder();
        while (rs.next()) values.append(rs.getObject(1)).append(":").append(rs.getObject(2)).append(";");
        System.out.println("distinct.values=" + values);
      }

      // JSON and BSON: what effect-informix wrote, then JDBC's own writes.
      try (PreparedStatement p = c.prepareStatement("INSERT INTO t_docs VALUES (?, ?, ?)")) {
        p.setInt(1, 2);
        p.setString(2, "{\"from\":\"jdbc\"}");
        p.setObject(3, IfxBSONObject.parse("{\"n\": 5, \"s\": \"jdbc\"}"));
        System.out.println("docs.insert=" + p.executeUpdate());
      }
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT j, b FROM t_docs ORDER BY id")) {
        ResultSetMetaData md = rs.getMetaData();
        System.out.println("docs.meta=" + meta(md, 1) + "," + meta(md, 2));
        int row = 0;
        while (rs.next()) {
          row++;
          Object b = rs.getObject(2);
          System.out.println("docs." + row + ".j=" + rs.getString(1));
          System.out.println("docs." + row + ".b=" + (b == null ? "null" : b.getClass().getSimpleName() + " "
            + ((IfxBSONObject) b).toJson().replace(" ", "")));
        }
      }

      // Named ROW: a Struct bound by its type's name (JDBC resolves it in sysxtdtypes / sysattrtypes), then read
      // back as an IfxStruct named after the type.
      try (PreparedStatement p = c.prepareStatement("INSERT INTO t_people VALUES (?, ?)")) {
        p.setInt(1, 3);
        p.setObject(2, new Struct() {
          @Override public String getSQLTypeName() { return "person_t"; }
          @Override public Object[] getAttributes() { return new Object[] {"Zed", 5}; }
          @Override public Object[] getAttributes(java.util.Map<String, Class<?>> map) { return getAttributes(); }
        });
        System.out.println("row.insert=" + p.executeUpdate());
      }
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT p FROM t_people ORDER BY id")) {
        System.out.println("row.meta=" + meta(rs.getMetaData(), 1));
        StringBuilder values = new StringBuilder();
        while (rs.next()) {
          Struct p = (Struct) rs.getObject(1);
          values.append(p == null ? "null" : p.getSQLTypeName() + Arrays.toString(p.getAttributes())).append(";");
        }
        System.out.println("row.values=" + values);
      }

      // An opaque type without a type map: getBytes gives the payload.
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT p FROM t_shapes")) {
        System.out.println("opaque.meta=" + meta(rs.getMetaData(), 1));
        rs.next();
        System.out.println("opaque.bytes=" + Arrays.toString(rs.getBytes(1)));
      }
      System.out.println("done=true");
    }
  }
}
