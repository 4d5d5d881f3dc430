import com.informix.jdbcx.IfxPAMChallenge;
import com.informix.jdbcx.IfxPAMResponse;
import com.informix.jdbcx.PAM;
import com.informix.jdbcx.PAMResponseImpl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * IBM's JDBC driver logging in through the TestServer's PAM mode with its own challenge handler (the connection
 * property IFX_PAM_CLASS names a class implementing com.informix.jdbcx.PAM). test/conformance/pamPeer.test.ts
 * compiles and runs it against users alice (password), bob (password + code) and mallory (refuse). Prints one
 * "key=value" line per observation. Not part of the conformance peer build (pom.xml compiles src/main only).
 */
public final class PamProbe {
  /** prompt → answer for the next login; JDBC creates the handler itself with its no-arg constructor. */
  static final Map<String, String> ANSWERS = new HashMap<>();
  static final List<String> SEEN = new ArrayList<>();

  public static final class Answers implements PAM {
    public Answers() {}

    @Override
    public IfxPAMResponse pamChallenge(IfxPAMChallenge challenge) {
      SEEN.add(challenge.getChallengeType() + ":" + challenge.getChallenge());
      String answer = ANSWERS.get(challenge.getChallenge());
      PAMResponseImpl response = new PAMResponseImpl(answer == null ? "" : answer, (short) 0);
      return response;
    }
  }

  private static String login(String port, String user, Map<String, String> answers) {
    ANSWERS.clear();
    ANSWERS.putAll(answers);
    SEEN.clear();
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", "not-checked");
    props.setProperty("IFX_PAM_CLASS", Answers.class.getName());
    String url = "jdbc:informix-sqli://127.0.0.1:" + port + "/testdb:INFORMIXSERVER=ol_test";
    try (Connection c = DriverManager.getConnection(url, props);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT 7 FROM systables WHERE tabid = 1")) {
      rs.next();
      return "select=" + rs.getInt(1);
    } catch (SQLException e) {
      return "sqlcode=" + e.getErrorCode();
    }
  }

  public static void main(String[] args) {
    String port = args[0];
    System.out.println("alice." + login(port, "alice", Map.of("Password: ", "alice-pw")));
    System.out.println("alice.seen=" + String.join("|", SEEN));
    System.out.println("aliceWrong." + login(port, "alice", Map.of("Password: ", "nope")));
    System.out.println("bob." + login(port, "bob", Map.of("Password: ", "bob-pw", "Verification code: ", "424242")));
    System.out.println("bob.seen=" + String.join("|", SEEN));
    System.out.println("bobWrong." + login(port, "bob", Map.of("Password: ", "bob-pw", "Verification code: ", "1")));
    System.out.println("mallory." + login(port, "mallory", Map.of()));
    System.out.println("mallory.seen=" + String.join("|", SEEN));
    System.out.println("done=true");
  }
}
