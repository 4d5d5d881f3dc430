import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How IBM's JDBC driver treats the TestServer's databases by logging mode (test/conformance/ansiPeers.test.ts compiles
 * and runs it against databases ansidb (MODE ANSI), testdb (logged) and plain (unlogged)). Prints one "key=value"
 * line per observation. Not part of the conformance peer build (conformance/jdbc/pom.xml compiles src/main only).
 */
public final class AnsiProbe {
  private static String url(String port, String database) {
    return "jdbc:informix-sqli://127.0.0.1:" + port + "/" + database
      + ":INFORMIXSERVER=ol_test;user=informix;password=in4mix";
  }

  private static String rows(Connection c, String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) out.append(out.length() == 0 ? "" : ",").append(rs.getInt(1));
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    String port = args[0];
    for (String database : new String[] {"ansidb", "testdb", "plain"}) {
      try (Connection c = DriverManager.getConnection(url(port, database))) {
        com.informix.jdbc.IfxConnection ifx = c.unwrap(com.informix.jdbc.IfxConnection.class);
        System.out.println(database + ".databaseType=" + ifx.getDatabaseType());
        System.out.println(database + ".ansi=" + ifx.isANSI());
      }
    }
    try (Connection a = DriverManager.getConnection(url(port, "ansidb"));
         Connection b = DriverManager.getConnection(url(port, "ansidb"))) {
      try (Statement s = a.createStatement()) {
        s.execute("CREATE TABLE jdbc_ansi (n INTEGER)");
        s.executeUpdate("INSERT INTO jdbc_ansi VALUES (1)");
      }
      // Autocommit: JDBC commits each statement itself in an ANSI database, so another session sees the row at once.
      System.out.println("autocommit.otherSees=" + rows(b, "SELECT n FROM jdbc_ansi"));
      b.commit();
      a.setAutoCommit(false);
      try (Statement s = a.createStatement()) {
        s.executeUpdate("INSERT INTO jdbc_ansi VALUES (2)");
        a.rollback();
        s.executeUpdate("INSERT INTO jdbc_ansi VALUES (3)");
        a.commit();
      }
      System.out.println("manual.otherSees=" + rows(b, "SELECT n FROM jdbc_ansi ORDER BY n"));
      b.commit();
    }
    System.out.println("done=true");
  }
}
