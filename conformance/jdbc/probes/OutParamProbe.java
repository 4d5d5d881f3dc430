import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;

/**
 * IBM's JDBC driver calling an SPL function with an OUT parameter through CallableStatement.registerOutParameter
 * (test/conformance/outParamPeer.test.ts compiles and runs it). The PREPARE answers -9752, and JDBC then describes
 * and runs the routine through its fast path (SQ_FPDESCRIBE, SQ_GETROUTINE with an SQ_FPARAM block, SQ_EXFPROUTINE).
 * Prints one "key=value" line per observation. Not part of the conformance peer build.
 */
public final class OutParamProbe {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:informix-sqli://127.0.0.1:" + args[0] + "/testdb"
      + ":INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE FUNCTION split(total INT, OUT half INT) RETURNING INT; "
          + "LET half = total / 2; RETURN total - half; END FUNCTION");
      }
      try (CallableStatement cs = c.prepareCall("{call split(?, ?)}")) {
        cs.setInt(1, 9);
        cs.registerOutParameter(2, Types.INTEGER);
        boolean rows = cs.execute();
        System.out.println("execute=" + rows);
        System.out.println("out=" + cs.getInt(2));
        try (ResultSet rs = cs.getResultSet()) {
          System.out.println("return=" + (rs != null && rs.next() ? rs.getInt(1) : -1));
        }
        cs.setInt(1, 20);
        cs.execute();
        System.out.println("again.out=" + cs.getInt(2));
      } catch (Exception e) {
        System.out.println("error=" + e);
        e.printStackTrace(System.out);
      }
    }
    System.out.println("done=true");
  }
}
