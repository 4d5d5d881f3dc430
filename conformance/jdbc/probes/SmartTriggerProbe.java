import com.informix.smartTrigger.IfxSmartTrigger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * IBM's JDBC smart trigger (com.informix.smartTrigger.IfxSmartTrigger, JDBC-PAM-TRIGGERS-CDC.md §2) watching a
 * TestServer table while SQL changes it (test/conformance/smartTriggerPeers.test.ts compiles and runs it).
 * Arguments: port, table, database, query, label, the number of event documents to wait for, then the SQL
 * statements to run (on a connection of their own to the database) once the trigger's first read has returned its
 * timeout document, i.e. once the watch is registered. Prints "doc.N=<document>" for every document the callback
 * got (the timeout document first), then "done=true". Not part of the conformance peer build
 * (conformance/jdbc/pom.xml compiles src/main only).
 */
public final class SmartTriggerProbe {
  public static void main(String[] args) throws Exception {
    String server = "jdbc:informix-sqli://127.0.0.1:" + args[0];
    String login = ":INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    LinkedBlockingQueue<String> docs = new LinkedBlockingQueue<>();
    IfxSmartTrigger trigger = new IfxSmartTrigger(server + "/sysadmin" + login);
    trigger.timeout(1);
    trigger.addTrigger(args[1], "informix", args[2], args[3], args[4], docs::add);
    trigger.start();
    List<String> seen = new ArrayList<>();
    String first = docs.poll(30, TimeUnit.SECONDS);
    seen.add(String.valueOf(first));
    try (Connection con = DriverManager.getConnection(server + "/" + args[2] + login);
         Statement s = con.createStatement()) {
      for (int i = 6; i < args.length; i++) s.execute(args[i]);
    }
    int wanted = Integer.parseInt(args[5]);
    int events = 0;
    while (events < wanted) {
      String doc = docs.poll(30, TimeUnit.SECONDS);
      if (doc == null) break;
      if (doc.startsWith("{\"ifx_isTimeout\"")) continue;
      seen.add(doc);
      events++;
    }
    trigger.close();
    trigger.join(10_000);
    for (int i = 0; i < seen.size(); i++) System.out.println("doc." + i + "=" + seen.get(i));
    System.out.println("done=true");
  }
}
