import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * IBM's JDBC driver against a TestServer cluster's Connection Manager (test/conformance/redirectPeer.test.ts compiles
 * and runs it): it connects to a service level's port with INFORMIXSERVER = the service level's name, follows the
 * login redirect (SL type 13, marker 103, `server:host:port`) and runs statements on the server it was sent to.
 * Arguments: the port of the primary's service level, then of the secondaries'. Prints one "key=value" line per
 * observation. Not part of the conformance peer build (conformance/jdbc/pom.xml compiles src/main only).
 */
public final class RedirectProbe {
  private static String url(String port, String sla) {
    return "jdbc:informix-sqli://127.0.0.1:" + port + "/testdb:INFORMIXSERVER=" + sla
      + ";user=informix;password=in4mix";
  }

  private static String first(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1).trim() : "";
    }
  }

  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection(url(args[0], "oltp"))) {
      com.informix.jdbc.IfxConnection ifx = c.unwrap(com.informix.jdbc.IfxConnection.class);
      System.out.println("oltp.readOnly=" + ifx.isReadOnly());
      System.out.println("oltp.server=" + first(c, "SELECT DBSERVERNAME FROM systables WHERE tabid = 1"));
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE jdbc_redirect (n INTEGER)");
        System.out.println("oltp.inserted=" + s.executeUpdate("INSERT INTO jdbc_redirect VALUES (42)"));
      }
    }
    try (Connection c = DriverManager.getConnection(url(args[1], "report"))) {
      com.informix.jdbc.IfxConnection ifx = c.unwrap(com.informix.jdbc.IfxConnection.class);
      System.out.println("report.readOnly=" + ifx.isReadOnly());
      System.out.println("report.server=" + first(c, "SELECT DBSERVERNAME FROM systables WHERE tabid = 1"));
      System.out.println("report.sees=" + first(c, "SELECT n FROM jdbc_redirect"));
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO jdbc_redirect VALUES (43)");
        System.out.println("report.insert=accepted");
      } catch (SQLException e) {
        System.out.println("report.insert=" + e.getErrorCode());
      }
    }
    System.out.println("done=true");
  }
}
