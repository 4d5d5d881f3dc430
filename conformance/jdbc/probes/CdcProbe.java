import com.informix.jdbc.stream.api.StreamOperationRecord;
import com.informix.jdbc.stream.api.StreamRecord;
import com.informix.jdbc.stream.cdc.CDCEngine;
import com.informix.jdbc.types.ReadableType;
import com.informix.jdbcx.IfxDataSource;
import java.util.Map;

/**
 * IBM's JDBC CDC engine (com.informix.jdbc.stream.cdc) reading the TestServer's change records
 * (test/conformance/cdcPeers.test.ts compiles and runs it; JDBC-PAM-TRIGGERS-CDC.md §3 has the calls and the record
 * layout). Arguments: port, table (db:owner.table), comma-separated columns, the sequence id to resume after, the
 * number of records to read. Prints one "rec.N=TYPE seq txid label {col=value,...}" line per record, then "done=true".
 * Not part of the conformance peer build (conformance/jdbc/pom.xml compiles src/main only).
 */
public final class CdcProbe {
  private static String data(StreamRecord r) throws Exception {
    if (!r.hasOperationData()) return "";
    StringBuilder out = new StringBuilder(" {");
    boolean first = true;
    for (Map.Entry<String, ReadableType> e : ((StreamOperationRecord) r).getData().entrySet()) {
      if (!first) out.append(",");
      first = false;
      ReadableType v = e.getValue();
      out.append(e.getKey()).append("=").append(v.isNull() ? "null" : String.valueOf(v.toObject()).trim());
    }
    return out.append("}").toString();
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:informix-sqli://127.0.0.1:" + args[0]
      + "/syscdcv1:INFORMIXSERVER=ol_test;user=informix;password=in4mix";
    IfxDataSource ds = new IfxDataSource(url);
    CDCEngine engine = CDCEngine.builder(ds)
      .watchTable(args[1], args[2].split(","))
      .timeout(1)
      .sequenceId(Long.parseLong(args[3]))
      .stopLoggingOnClose(false)
      .build();
    engine.init();
    int n = Integer.parseInt(args[4]);
    for (int i = 0; i < n; i++) {
      StreamRecord r = engine.getRecord();
      System.out.println("rec." + i + "=" + r.getType() + " " + r.getSequenceId() + " " + r.getTransactionId() + " "
        + r.getLabel() + data(r));
    }
    engine.close();
    System.out.println("done=true");
  }
}
