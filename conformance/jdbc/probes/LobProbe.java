import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

/**
 * IBM's JDBC driver writing and reading smart large objects (BLOB, CLOB) through the TestServer's fast-path ifx_lo_*
 * routines and SQ_LODATA (test/conformance/lobPeers.test.ts compiles and runs it; JDBC-LOB.md §4.6 has the flows).
 * Prints one "key=value" line per observation. Not part of the conformance peer build (conformance/jdbc/pom.xml
 * compiles src/main only).
 */
public final class LobProbe {
  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + (i >> 11));
    return b;
  }

  private static byte[] readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0;) out.write(buf, 0, n);
    return out.toByteArray();
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:informix-sqli://127.0.0.1:" + args[0]
      + "/testdb:INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    byte[] big = pattern(70000);
    byte[] small = pattern(3000);
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE jdbc_lob (id INTEGER, b BLOB, c CLOB)");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_lob VALUES (?, ?, ?)")) {
        p.setInt(1, 1);
        p.setBytes(2, big);
        p.setString(3, "hello clob");
        System.out.println("insert.setBytes=" + p.executeUpdate());
        p.setInt(1, 2);
        p.setBinaryStream(2, new ByteArrayInputStream(small), small.length);
        p.setString(3, "second");
        System.out.println("insert.setBinaryStream=" + p.executeUpdate());
        p.setInt(1, 3);
        p.setNull(2, java.sql.Types.BLOB);
        p.setNull(3, java.sql.Types.CLOB);
        System.out.println("insert.null=" + p.executeUpdate());
      }
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT id, b, c FROM jdbc_lob ORDER BY id")) {
        rs.next();
        System.out.println("1.getBytes=" + Arrays.equals(rs.getBytes(2), big));
        System.out.println("1.getBinaryStream=" + Arrays.equals(readAll(rs.getBinaryStream(2)), big));
        Blob blob = rs.getBlob(2);
        System.out.println("1.blob.length=" + blob.length());
        System.out.println("1.blob.getBytes=" + Arrays.equals(blob.getBytes(1, (int) blob.length()), big));
        System.out.println("1.getString=" + rs.getString(3));
        Clob clob = rs.getClob(3);
        System.out.println("1.clob.length=" + clob.length());
        rs.next();
        System.out.println("2.getBinaryStream=" + Arrays.equals(readAll(rs.getBinaryStream(2)), small));
        System.out.println("2.getString=" + rs.getString(3));
        rs.next();
        System.out.println("3.blob=" + rs.getBlob(2) + ",wasNull=" + rs.wasNull());
      }
    }
    System.out.println("done=true");
  }
}
