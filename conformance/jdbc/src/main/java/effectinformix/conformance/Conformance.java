package effectinformix.conformance;

import com.informix.jdbc.IfxStatement;
import com.informix.lang.IntervalDF;
import com.informix.lang.IntervalYM;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;

/**
 * Conformance peer: IBM's Informix JDBC driver, driven through plain JDBC calls against effect-informix's
 * TestServer. Prints one JSON line per scenario on stdout:
 * {"client":"jdbc","scenario":"...","ok":true|false,"detail":"...","ms":N}.
 *
 * <p>The scenario list, table layouts and values are the same as conformance/python/conformance.py; keep them in
 * step (conformance/README.md lists them). A failing scenario is a bug in our server until shown otherwise: never
 * weaken an expectation to make it pass.
 *
 * <p>Options (each also readable from the environment as CONFORMANCE_&lt;NAME&gt;, e.g. CONFORMANCE_PORT):
 * --host, --port, --tls-port, --ca (PEM file of the CA that signed the TLS port's certificate), --user,
 * --password, --database, --server (INFORMIXSERVER), --stall-sql (a statement the server keeps running until it is
 * interrupted; empty when the server has no such hook), --timeout (seconds per scenario), --only (comma list),
 * --url-properties (appended to every connection URL, e.g. {@code ;OPTOFC=1}).
 */
public final class Conformance {
  private static final String CLIENT = "jdbc";
  private static final String PREFIX = "jdbc_";

  private final Map<String, String> options;
  private Connection session;

  private Conformance(Map<String, String> options) {
    this.options = options;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry point and scenario runner

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parseOptions(args);
    // Load the driver explicitly: a missing jar must show up as a clear failure, not "No suitable driver".
    Class.forName("com.informix.jdbc.IfxDriver");
    new Conformance(options).runAll();
    // Threads stuck in a wedged driver call (after a scenario timeout) must not keep the JVM alive.
    System.exit(0);
  }

  private interface Body {
    String run() throws Exception;
  }

  private record Scenario(String name, Body body) {}

  private List<Scenario> scenarios() {
    List<Scenario> list = new ArrayList<>();
    list.add(new Scenario("connect", this::connect));
    list.add(new Scenario("create_table_all_types", this::createTableAllTypes));
    list.add(new Scenario("describe_all_types", this::describeAllTypes));
    list.add(new Scenario("insert_bound_all_types", this::insertBoundAllTypes));
    list.add(new Scenario("select_compare_all_types", this::selectCompareAllTypes));
    list.add(new Scenario("nulls_all_types", this::nullsAllTypes));
    list.add(new Scenario("byte_text", this::byteText));
    list.add(new Scenario("value_edges", this::valueEdges));
    list.add(new Scenario("client_locale_utf8", this::clientLocaleUtf8));
    list.add(new Scenario("cursor_10000_rows", this::cursor10000Rows));
    list.add(new Scenario("syntax_error_201", this::syntaxError));
    list.add(new Scenario("duplicate_key", this::duplicateKey));
    list.add(new Scenario("error_codes", this::errorCodes));
    list.add(new Scenario("transaction_rollback", this::transactionRollback));
    list.add(new Scenario("committed_read_no_block", this::committedReadNoBlock));
    list.add(new Scenario("prepared_reuse_100", this::preparedReuse100));
    list.add(new Scenario("generated_keys", this::generatedKeys));
    list.add(new Scenario("generated_serial8", this::generatedSerial8));
    list.add(new Scenario("scroll_cursor", this::scrollCursor));
    list.add(new Scenario("savepoint", this::savepoint));
    list.add(new Scenario("batch_with_error", this::batchWithError));
    list.add(new Scenario("stored_procedure", this::storedProcedure));
    list.add(new Scenario("collections_row", this::collectionsRow));
    list.add(new Scenario("collections_temporal", this::collectionsTemporal));
    list.add(new Scenario("wrong_password_951", this::wrongPassword));
    list.add(new Scenario("unknown_database_329", this::unknownDatabase));
    list.add(new Scenario("is_valid", this::isValid));
    list.add(new Scenario("query_timeout", this::queryTimeout));
    list.add(new Scenario("statement_cancel", this::statementCancel));
    list.add(new Scenario("connect_tls", this::connectTls));
    list.add(new Scenario("instance_databases", this::instanceDatabases));
    list.add(new Scenario("sysmaster_read", this::sysmasterRead));
    list.add(new Scenario("cross_database", this::crossDatabase));
    list.add(new Scenario("database_metadata", this::databaseMetadata));
    list.add(new Scenario("disconnect", this::disconnect));
    return list;
  }

  private void runAll() {
    String only = option("only", "");
    List<String> selected = only.isEmpty() ? List.of() : Arrays.asList(only.split(","));
    long timeoutSeconds = Long.parseLong(option("timeout", "90"));
    ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "scenario");
      thread.setDaemon(true);
      return thread;
    });
    for (Scenario scenario : scenarios()) {
      if (!selected.isEmpty() && !selected.contains(scenario.name())) continue;
      long start = System.nanoTime();
      boolean ok;
      String detail;
      Future<String> future = executor.submit(() -> scenario.body().run());
      try {
        detail = future.get(timeoutSeconds, TimeUnit.SECONDS);
        ok = true;
      } catch (TimeoutException timeout) {
        future.cancel(true);
        ok = false;
        detail = "no answer within " + timeoutSeconds + " s (client blocked; session abandoned)";
        abandonSession();
      } catch (java.util.concurrent.ExecutionException failed) {
        ok = false;
        detail = describe(failed.getCause());
      } catch (InterruptedException interrupted) {
        ok = false;
        detail = "interrupted";
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      emit(scenario.name(), ok, detail, ms);
    }
  }

  private static void emit(String scenario, boolean ok, String detail, long ms) {
    System.out.println("{\"client\":\"" + CLIENT + "\",\"scenario\":" + json(scenario) + ",\"ok\":" + ok
      + ",\"detail\":" + json(detail) + ",\"ms\":" + ms + "}");
    System.out.flush();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sessions

  private String url(int port, boolean tls) {
    String url = "jdbc:informix-sqli://" + option("host", "127.0.0.1") + ":" + port + "/" + option("database", "testdb")
      + ":INFORMIXSERVER=" + option("server", "ol_test") + ";user=" + option("user", "informix") + ";password="
      + option("password", "in4mix") + option("url-properties", "");
    return tls ? url + ";SSLCONNECTION=true" : url;
  }

  private Connection open() throws SQLException {
    return DriverManager.getConnection(url(Integer.parseInt(required("port")), false));
  }

  /** The shared session opened by "connect"; reopened if an earlier scenario lost it. */
  private synchronized Connection session() throws SQLException {
    if (session == null || session.isClosed()) session = open();
    return session;
  }

  private synchronized void abandonSession() {
    Connection stuck = session;
    session = null;
    if (stuck != null) {
      Thread closer = new Thread(() -> {
        try {
          stuck.close();
        } catch (Exception ignored) {
          // The session is being abandoned because it stopped answering; its close may fail too.
        }
      });
      closer.setDaemon(true);
      closer.start();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Shared data (identical in conformance.py)

  private static final String TYPES_DDL = "CREATE TABLE " + PREFIX + "types ("
    + "id INTEGER NOT NULL, c_smallint SMALLINT, c_integer INTEGER, c_int8 INT8, c_bigint BIGINT, c_serial SERIAL, "
    + "c_smallfloat SMALLFLOAT, c_float FLOAT, c_decimal DECIMAL(12,4), c_money MONEY(10,2), c_date DATE, "
    + "c_dt_year_fraction3 DATETIME YEAR TO FRACTION(3), c_dt_year_second DATETIME YEAR TO SECOND, "
    + "c_dt_hour_second DATETIME HOUR TO SECOND, c_iv_day_second INTERVAL DAY(5) TO SECOND, "
    + "c_iv_year_month INTERVAL YEAR(4) TO MONTH, c_char CHAR(10), c_varchar VARCHAR(100), c_nchar NCHAR(8), "
    + "c_nvarchar NVARCHAR(40), c_lvarchar LVARCHAR(2000), c_boolean BOOLEAN)";

  private static final String TYPES_INSERT = "INSERT INTO " + PREFIX + "types VALUES "
    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String[] TYPE_COLUMNS = {
    "id", "c_smallint", "c_integer", "c_int8", "c_bigint", "c_serial", "c_smallfloat", "c_float", "c_decimal",
    "c_money", "c_date", "c_dt_year_fraction3", "c_dt_year_second", "c_dt_hour_second", "c_iv_day_second",
    "c_iv_year_month", "c_char", "c_varchar", "c_nchar", "c_nvarchar", "c_lvarchar", "c_boolean"
  };

  private static final String EDGES_DDL = "CREATE TABLE " + PREFIX + "edges (id INTEGER, d DECIMAL(32,10), "
    + "dt DATETIME YEAR TO FRACTION(5), iv INTERVAL DAY(9) TO FRACTION(5), hm DATETIME HOUR TO MINUTE, f FLOAT, "
    + "sf SMALLFLOAT, i INTEGER, si SMALLINT, bi BIGINT, c CHAR(5), vc VARCHAR(10))";

  /** Edge values as SQL literals (no client encoding involved): the server's own encodings are under test. */
  private static final String[] EDGES_ROWS = {
    "(1, 0, '1900-01-01 00:00:00.00000', '0 00:00:00.00000', '00:00', 0.1, 3.4028235e38, -2147483647, -32767, "
      + "-9223372036854775807, 'a', '')",
    "(2, -0.0000000001, '9999-12-31 23:59:59.99999', '999999999 23:59:59.99999', '23:59', 1.7976931348623157e308, "
      + "1.17549435e-38, 2147483647, 32767, 9223372036854775807, 'abcde', 'b  ')",
    "(3, 1234567890123456789012.1234567890, '2024-02-29 00:00:00.00001', '-5 00:00:01.00000', '09:05', 4.9e-324, "
      + "-1.5, 0, 0, 0, '  x', '  y')"
  };

  private static final String VARCHAR_VALUE = "h\u00e9llo w\u00f6rld";
  private static final String NVARCHAR_VALUE = "\u00f1and\u00fa";
  private static final long IV_DAY_SECOND_SECONDS = 1234L * 86400 + 10 * 3600 + 20 * 60 + 30;
  private static final long IV_YEAR_MONTH_MONTHS = 123L * 12 + 5;
  /** Informix qualifier of INTERVAL DAY(5) TO SECOND: (digits 11 << 8) | (DAY 4 << 4) | SECOND 10. */
  private static final short IV_DAY_SECOND_QUALIFIER = (short) ((11 << 8) | (4 << 4) | 10);

  private static String lvarcharValue() {
    StringBuilder text = new StringBuilder();
    while (text.length() < 1500) text.append("lvarchar-0123456789/");
    return text.substring(0, 1500);
  }

  private static byte[] byteValue() {
    byte[] bytes = new byte[3000];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i % 256);
    return bytes;
  }

  private static String textValue() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 5000; i++) text.append("text line ").append(i).append('\n');
    return text.substring(0, 5000);
  }

  private static String bigName(int id) {
    return "r" + id + "-" + "x".repeat(id % 17);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scenarios

  private String connect() throws Exception {
    Connection connection = session();
    DatabaseMetaData meta = connection.getMetaData();
    return "product " + meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + "; driver "
      + meta.getDriverName() + " " + meta.getDriverVersion() + "; supportsTransactions="
      + meta.supportsTransactions() + "; autoCommit=" + connection.getAutoCommit();
  }

  private String createTableAllTypes() throws Exception {
    try (Statement statement = session().createStatement()) {
      int count = statement.executeUpdate(TYPES_DDL);
      return "executeUpdate returned " + count;
    }
  }

  private String describeAllTypes() throws Exception {
    // Expected type names are IBM JDBC's spelling of the DESCRIBE type code (it names code 2 "int"; informix-driver's
    // describe scenario checks the codes themselves); precision/scale as declared.
    String[][] expected = {
      {"id", "int"}, {"c_smallint", "smallint"}, {"c_integer", "int"}, {"c_int8", "int8"},
      {"c_bigint", "bigint"}, {"c_serial", "serial"}, {"c_smallfloat", "smallfloat"}, {"c_float", "float"},
      {"c_decimal", "decimal"}, {"c_money", "money"}, {"c_date", "date"},
      {"c_dt_year_fraction3", "datetime year to fraction(3)"}, {"c_dt_year_second", "datetime year to second"},
      {"c_dt_hour_second", "datetime hour to second"}, {"c_iv_day_second", "interval day"},
      {"c_iv_year_month", "interval year"}, {"c_char", "char"}, {"c_varchar", "varchar"}, {"c_nchar", "nchar"},
      {"c_nvarchar", "nvarchar"}, {"c_lvarchar", "lvarchar"}, {"c_boolean", "boolean"}
    };
    List<String> problems = new ArrayList<>();
    StringBuilder seen = new StringBuilder();
    try (Statement statement = session().createStatement();
      ResultSet rows = statement.executeQuery("SELECT * FROM " + PREFIX + "types")) {
      ResultSetMetaData meta = rows.getMetaData();
      if (meta.getColumnCount() != expected.length) {
        problems.add("column count " + meta.getColumnCount() + " != " + expected.length);
      }
      for (int i = 1; i <= Math.min(meta.getColumnCount(), expected.length); i++) {
        String name = meta.getColumnName(i);
        String type = meta.getColumnTypeName(i);
        seen.append(name).append(':').append(type).append('(').append(meta.getPrecision(i)).append(',')
          .append(meta.getScale(i)).append(") ");
        if (!expected[i - 1][0].equalsIgnoreCase(name)) problems.add("col " + i + " name " + name);
        String lowered = type == null ? "" : type.toLowerCase();
        String want = expected[i - 1][1];
        boolean matches = want.startsWith("interval") || want.startsWith("datetime")
          ? lowered.startsWith(want)
          : lowered.equals(want);
        if (!matches) problems.add(name + " type '" + type + "' (want " + want + ")");
      }
      checkPrecision(meta, 9, 12, 4, problems);
      checkPrecision(meta, 10, 10, 2, problems);
      checkPrecision(meta, 17, 10, 0, problems);
      checkPrecision(meta, 18, 100, 0, problems);
      if (meta.isNullable(1) != ResultSetMetaData.columnNoNulls) problems.add("id should be NOT NULL");
    }
    return verdict(problems, seen.toString().trim());
  }

  private static void checkPrecision(ResultSetMetaData meta, int column, int precision, int scale,
    List<String> problems) throws SQLException {
    if (meta.getColumnCount() < column) return;
    if (meta.getPrecision(column) != precision || meta.getScale(column) != scale) {
      problems.add(meta.getColumnName(column) + " precision/scale " + meta.getPrecision(column) + "/"
        + meta.getScale(column) + " (want " + precision + "/" + scale + ")");
    }
  }

  private String insertBoundAllTypes() throws Exception {
    try (PreparedStatement insert = session().prepareStatement(TYPES_INSERT)) {
      int p = 1;
      insert.setInt(p++, 1);
      insert.setShort(p++, (short) -12345);
      insert.setInt(p++, 2147483647);
      insert.setLong(p++, -9223372036854775807L);
      insert.setLong(p++, 9223372036854775807L);
      insert.setInt(p++, 42);
      insert.setFloat(p++, 1.25f);
      insert.setDouble(p++, -3.141592653589793);
      insert.setBigDecimal(p++, new BigDecimal("-12345678.9012"));
      insert.setBigDecimal(p++, new BigDecimal("12345678.90"));
      insert.setDate(p++, Date.valueOf("2024-02-29"));
      insert.setTimestamp(p++, Timestamp.valueOf("2024-02-29 13:45:56.789"));
      insert.setTimestamp(p++, Timestamp.valueOf("1999-12-31 23:59:59"));
      insert.setTime(p++, Time.valueOf("00:30:05"));
      // IntervalDF(seconds, nanos) alone takes the qualifier DAY(2) TO FRACTION(5), in which 1234 days does not fit
      // (JDBC then sends a digit byte of 210): give it the column's qualifier, DAY(5) TO SECOND.
      insert.setObject(p++, new IntervalDF(IV_DAY_SECOND_SECONDS, 0, IV_DAY_SECOND_QUALIFIER));
      insert.setObject(p++, new IntervalYM(123, 5));
      insert.setString(p++, "abc");
      insert.setString(p++, VARCHAR_VALUE);
      insert.setString(p++, "nch");
      insert.setString(p++, NVARCHAR_VALUE);
      insert.setString(p++, lvarcharValue());
      insert.setBoolean(p++, true);
      int count = insert.executeUpdate();
      if (count != 1) throw new Mismatch("executeUpdate returned " + count + ", want 1");
      return "22 parameters bound, 1 row inserted";
    }
  }

  private String selectCompareAllTypes() throws Exception {
    List<String> problems = new ArrayList<>();
    try (Statement statement = session().createStatement();
      ResultSet rows = statement.executeQuery("SELECT * FROM " + PREFIX + "types WHERE id = 1")) {
      if (!rows.next()) throw new Mismatch("no row with id = 1");
      expect(problems, "c_smallint", rows.getShort("c_smallint"), (short) -12345);
      expect(problems, "c_integer", rows.getInt("c_integer"), 2147483647);
      expect(problems, "c_int8", rows.getLong("c_int8"), -9223372036854775807L);
      expect(problems, "c_bigint", rows.getLong("c_bigint"), 9223372036854775807L);
      expect(problems, "c_serial", rows.getInt("c_serial"), 42);
      expect(problems, "c_smallfloat", rows.getFloat("c_smallfloat"), 1.25f);
      expect(problems, "c_float", rows.getDouble("c_float"), -3.141592653589793);
      expect(problems, "c_decimal", plain(rows.getBigDecimal("c_decimal")), "-12345678.9012");
      expect(problems, "c_money", plain(rows.getBigDecimal("c_money")), "12345678.90");
      expect(problems, "c_date", String.valueOf(rows.getDate("c_date")), "2024-02-29");
      expect(problems, "c_dt_year_fraction3", String.valueOf(rows.getTimestamp("c_dt_year_fraction3")),
        "2024-02-29 13:45:56.789");
      expect(problems, "c_dt_year_fraction3 string", rows.getString("c_dt_year_fraction3"), "2024-02-29 13:45:56.789");
      expect(problems, "c_dt_year_second", String.valueOf(rows.getTimestamp("c_dt_year_second")),
        "1999-12-31 23:59:59.0");
      expect(problems, "c_dt_year_second string", rows.getString("c_dt_year_second"), "1999-12-31 23:59:59");
      expect(problems, "c_dt_hour_second", String.valueOf(rows.getTime("c_dt_hour_second")), "00:30:05");
      expect(problems, "c_dt_hour_second string", rows.getString("c_dt_hour_second"), "00:30:05");
      Object dayToSecond = rows.getObject("c_iv_day_second");
      if (dayToSecond instanceof IntervalDF interval) {
        expect(problems, "c_iv_day_second seconds", interval.getSeconds(), IV_DAY_SECOND_SECONDS);
        expect(problems, "c_iv_day_second nanos", interval.getNanoSeconds(), 0L);
      } else {
        problems.add("c_iv_day_second: getObject gave " + typeAndValue(dayToSecond));
      }
      Object yearToMonth = rows.getObject("c_iv_year_month");
      if (yearToMonth instanceof IntervalYM interval) {
        expect(problems, "c_iv_year_month months", interval.getMonths(), IV_YEAR_MONTH_MONTHS);
      } else {
        problems.add("c_iv_year_month: getObject gave " + typeAndValue(yearToMonth));
      }
      expect(problems, "c_char", rows.getString("c_char"), "abc       ");
      expect(problems, "c_varchar", rows.getString("c_varchar"), VARCHAR_VALUE);
      expect(problems, "c_nchar", rows.getString("c_nchar"), "nch     ");
      expect(problems, "c_nvarchar", rows.getString("c_nvarchar"), NVARCHAR_VALUE);
      expect(problems, "c_lvarchar", rows.getString("c_lvarchar"), lvarcharValue());
      expect(problems, "c_boolean", rows.getBoolean("c_boolean"), true);
      if (rows.next()) problems.add("more than one row with id = 1");
    }
    return verdict(problems, "21 values equal");
  }

  private String nullsAllTypes() throws Exception {
    List<String> problems = new ArrayList<>();
    Connection connection = session();
    try (PreparedStatement insert = connection.prepareStatement(TYPES_INSERT)) {
      int[] sqlTypes = {
        Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.BIGINT, Types.REAL, Types.DOUBLE, Types.DECIMAL,
        Types.DECIMAL, Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP, Types.TIME, Types.OTHER, Types.OTHER,
        Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.BOOLEAN
      };
      insert.setInt(1, 2);
      int p = 2;
      for (int i = 0; i < sqlTypes.length; i++) {
        if (p == 6) insert.setInt(p++, 0); // SERIAL: 0 asks the server for the next value
        insert.setNull(p++, sqlTypes[i]);
      }
      int count = insert.executeUpdate();
      if (count != 1) problems.add("executeUpdate returned " + count);
    }
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT * FROM " + PREFIX + "types WHERE id = 2")) {
      if (!rows.next()) throw new Mismatch("no row with id = 2");
      for (String column : TYPE_COLUMNS) {
        if (column.equals("id") || column.equals("c_serial")) continue;
        Object value = rows.getObject(column);
        if (value != null || !rows.wasNull()) problems.add(column + " = " + typeAndValue(value) + ", want NULL");
      }
      // After an explicit 42, Informix continues the serial at 43.
      expect(problems, "c_serial", rows.getInt("c_serial"), 43);
    }
    return verdict(problems, "20 NULLs read back as NULL; serial 43");
  }

  private String byteText() throws Exception {
    List<String> problems = new ArrayList<>();
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "blobs (id INTEGER, c_byte BYTE, c_text TEXT)");
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PREFIX + "blobs VALUES (?, ?, ?)")) {
      insert.setInt(1, 1);
      insert.setBytes(2, byteValue());
      insert.setString(3, textValue());
      expect(problems, "insert row 1 count", insert.executeUpdate(), 1);
      insert.setInt(1, 2);
      insert.setNull(2, Types.LONGVARBINARY);
      insert.setNull(3, Types.LONGVARCHAR);
      expect(problems, "insert row 2 count", insert.executeUpdate(), 1);
    }
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT id, c_byte, c_text FROM " + PREFIX + "blobs ORDER BY id")) {
      if (!rows.next()) throw new Mismatch("no rows");
      byte[] bytes = rows.getBytes("c_byte");
      if (!Arrays.equals(bytes, byteValue())) {
        problems.add("c_byte differs: got " + (bytes == null ? "null" : bytes.length + " bytes"));
      }
      expect(problems, "c_text", rows.getString("c_text"), textValue());
      if (!rows.next()) throw new Mismatch("row 2 missing");
      if (rows.getBytes("c_byte") != null) problems.add("row 2 c_byte not NULL");
      if (rows.getString("c_text") != null) problems.add("row 2 c_text not NULL");
    }
    return verdict(problems, "BYTE 3000 bytes and TEXT 5000 chars round-tripped; NULLs read back");
  }

  private String valueEdges() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(EDGES_DDL);
      for (String row : EDGES_ROWS) statement.executeUpdate("INSERT INTO " + PREFIX + "edges VALUES " + row);
    }
    List<String> problems = new ArrayList<>();
    String[] decimals = {"0", "-0.0000000001", "1234567890123456789012.1234567890"};
    String[] timestamps = {"1900-01-01 00:00:00.0", "9999-12-31 23:59:59.99999", "2024-02-29 00:00:00.00001"};
    long[][] intervals = {{0, 0}, {999_999_999L * 86400 + 86399, 999_990_000}, {-(5 * 86400 + 1), 0}};
    String[] hourMinutes = {"00:00", "23:59", "09:05"};
    double[] floats = {0.1, Double.MAX_VALUE, Double.MIN_VALUE};
    float[] smallfloats = {Float.MAX_VALUE, Float.MIN_NORMAL, -1.5f};
    int[] integers = {-2147483647, 2147483647, 0};
    short[] smallints = {-32767, 32767, 0};
    long[] bigints = {-9223372036854775807L, 9223372036854775807L, 0};
    String[] chars = {"a    ", "abcde", "  x  "};
    String[] varchars = {"", "b  ", "  y"};
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT * FROM " + PREFIX + "edges ORDER BY id")) {
      for (int r = 0; r < 3; r++) {
        if (!rows.next()) throw new Mismatch("row " + (r + 1) + " missing");
        String at = "row " + (r + 1) + " ";
        BigDecimal decimal = rows.getBigDecimal("d");
        if (decimal == null || decimal.compareTo(new BigDecimal(decimals[r])) != 0 || decimal.scale() != 10) {
          problems.add(at + "d: got " + (decimal == null ? "null" : decimal.toPlainString()) + ", want " + decimals[r]
            + " with scale 10");
        }
        expect(problems, at + "dt", String.valueOf(rows.getTimestamp("dt")), timestamps[r]);
        Object interval = rows.getObject("iv");
        if (interval instanceof IntervalDF iv) {
          expect(problems, at + "iv seconds", iv.getSeconds(), intervals[r][0]);
          expect(problems, at + "iv nanos", iv.getNanoSeconds(), intervals[r][1]);
        } else {
          problems.add(at + "iv: getObject gave " + typeAndValue(interval));
        }
        expect(problems, at + "hm", rows.getString("hm"), hourMinutes[r]);
        expect(problems, at + "f", rows.getDouble("f"), floats[r]);
        expect(problems, at + "sf", rows.getFloat("sf"), smallfloats[r]);
        expect(problems, at + "i", rows.getInt("i"), integers[r]);
        expect(problems, at + "si", rows.getShort("si"), smallints[r]);
        expect(problems, at + "bi", rows.getLong("bi"), bigints[r]);
        expect(problems, at + "c", rows.getString("c"), chars[r]);
        expect(problems, at + "vc", rows.getString("vc"), varchars[r]);
      }
      if (rows.next()) problems.add("more than 3 rows");
    }
    return verdict(problems, "3 rows of edge values (literals) read back exactly");
  }

  private String clientLocaleUtf8() throws Exception {
    // A UTF-8 client on the (Latin-1) test database. IBM JDBC converts to the database code set itself (its
    // DB_LOCALE, default en_US.8859-1); the server stores and returns those bytes unchanged (VALUES.md §11).
    String text = "h\u00e9llo w\u00f6rld \u00f1and\u00fa \u00c5";
    try (Connection utf8 = DriverManager.getConnection(url(Integer.parseInt(required("port")), false)
      + ";CLIENT_LOCALE=en_US.utf8")) {
      try (Statement statement = utf8.createStatement()) {
        statement.executeUpdate("CREATE TABLE " + PREFIX + "utf8 (v VARCHAR(40))");
      }
      try (PreparedStatement insert = utf8.prepareStatement("INSERT INTO " + PREFIX + "utf8 VALUES (?)")) {
        insert.setString(1, text);
        insert.executeUpdate();
      }
      List<String> problems = new ArrayList<>();
      try (Statement statement = utf8.createStatement();
        ResultSet rows = statement.executeQuery("SELECT v, LENGTH(v) FROM " + PREFIX + "utf8")) {
        if (!rows.next()) throw new Mismatch("no row");
        expect(problems, "UTF-8 session reads its own row", rows.getString(1), text);
        expect(problems, "LENGTH in database characters", rows.getInt(2), text.length());
      }
    }
    // The same row through a default (8859-1) session.
    try (Statement statement = session().createStatement();
      ResultSet rows = statement.executeQuery("SELECT v FROM " + PREFIX + "utf8")) {
      if (!rows.next()) throw new Mismatch("no row in the 8859-1 session");
      if (!text.equals(rows.getString(1))) {
        throw new Mismatch("8859-1 session reads " + typeAndValue(rows.getString(1)) + ", want " + json(text));
      }
    }
    return "a UTF-8 client's text stored and read back by UTF-8 and 8859-1 sessions";
  }

  private String cursor10000Rows() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "big (id INTEGER, name VARCHAR(40), amount DECIMAL(10,2))");
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PREFIX + "big VALUES (?, ?, ?)")) {
      for (int id = 1; id <= 10_000; id++) {
        insert.setInt(1, id);
        insert.setString(2, bigName(id));
        insert.setBigDecimal(3, BigDecimal.valueOf(id * 125L, 2));
        insert.addBatch();
        if (id % 1000 == 0) {
          int[] counts = insert.executeBatch();
          for (int count : counts) {
            if (count != 1 && count != Statement.SUCCESS_NO_INFO) throw new Mismatch("batch count " + count);
          }
        }
      }
    }
    long count = 0;
    long idSum = 0;
    long centSum = 0;
    CRC32 names = new CRC32();
    long expectedIdSum = 0;
    long expectedCentSum = 0;
    CRC32 expectedNames = new CRC32();
    for (int id = 1; id <= 10_000; id++) {
      expectedIdSum += id;
      expectedCentSum += id * 125L;
      expectedNames.update((bigName(id) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    long previous = 0;
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT id, name, amount FROM " + PREFIX + "big ORDER BY id")) {
      while (rows.next()) {
        int id = rows.getInt(1);
        if (id <= previous) throw new Mismatch("ids not ascending at row " + (count + 1) + ": " + id);
        previous = id;
        count++;
        idSum += id;
        centSum += rows.getBigDecimal(3).movePointRight(2).longValueExact();
        names.update((rows.getString(2) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    List<String> problems = new ArrayList<>();
    expect(problems, "row count", count, 10_000L);
    expect(problems, "sum(id)", idSum, expectedIdSum);
    expect(problems, "sum(amount) in cents", centSum, expectedCentSum);
    expect(problems, "crc32(names)", names.getValue(), expectedNames.getValue());
    return verdict(problems, "10000 rows inserted in batches of 1000 and fetched; crc32(names)="
      + Long.toHexString(names.getValue()));
  }

  private String syntaxError() throws Exception {
    Connection connection = session();
    SQLException error = null;
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("SELEC tabid FROM systables").close();
    } catch (SQLException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("no error for 'SELEC tabid FROM systables'");
    if (error.getErrorCode() != -201) throw new Mismatch("want -201, got " + describe(error));
    return "got " + describe(error) + "; then " + probe(connection);
  }

  private String duplicateKey() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "dup (k INTEGER PRIMARY KEY, v VARCHAR(10))");
      statement.executeUpdate("INSERT INTO " + PREFIX + "dup VALUES (1, 'a')");
    }
    SQLException error = null;
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO " + PREFIX + "dup VALUES (1, 'b')");
    } catch (SQLException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("second INSERT of key 1 succeeded");
    if (error.getErrorCode() != -268 && error.getErrorCode() != -239) {
      throw new Mismatch("want -268 or -239, got " + describe(error));
    }
    // IBM's driver reports the ISAM code as a linked SQLException: the cause (seen with JDBC 15) or the next one.
    boolean isam100 = false;
    for (Throwable link = error.getCause(); link != null; link = link.getCause() == link ? null : link.getCause()) {
      if (link instanceof SQLException sql && sql.getErrorCode() == -100) isam100 = true;
    }
    for (SQLException next = error.getNextException(); next != null; next = next.getNextException()) {
      if (next.getErrorCode() == -100) isam100 = true;
    }
    if (!isam100) throw new Mismatch("no ISAM -100 in the exception chain: " + describe(error));
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT k, v FROM " + PREFIX + "dup")) {
      List<String> got = new ArrayList<>();
      while (rows.next()) got.add(rows.getInt(1) + "=" + rows.getString(2));
      if (!got.equals(List.of("1=a"))) throw new Mismatch("table holds " + got + " after the failed insert");
    }
    return "got " + describe(error) + "; table still holds only 1=a";
  }

  private String errorCodes() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "err (k INTEGER NOT NULL, v VARCHAR(5), i INTEGER)");
    }
    List<String> problems = new ArrayList<>();
    // [sql, sqlcode, isam code or 0 for "not checked"]
    String[][] cases = {
      {"INSERT INTO " + PREFIX + "err (k) VALUES (NULL)", "-391", "0"},
      {"SELECT 1 / 0 FROM systables WHERE tabid = 1", "-1202", "0"},
      {"INSERT INTO " + PREFIX + "err (k, i) VALUES (1, 99999999999)", "-1215", "0"},
      {"SELECT * FROM " + PREFIX + "no_such_table", "-206", "-111"},
      {"SELECT no_such_column FROM " + PREFIX + "err", "-217", "0"}
    };
    for (String[] c : cases) {
      SQLException error = null;
      try (Statement statement = connection.createStatement()) {
        if (statement.execute(c[0])) {
          try (ResultSet rows = statement.getResultSet()) {
            while (rows.next()) {
              // Errors of a query may come with the first fetch.
            }
          }
        }
      } catch (SQLException e) {
        error = e;
      }
      if (error == null) {
        problems.add(c[0] + ": no error (want " + c[1] + ")");
        continue;
      }
      if (error.getErrorCode() != Integer.parseInt(c[1])) problems.add(c[0] + ": want " + c[1] + ", got " + describe(error));
      if (!c[2].equals("0")) {
        boolean found = false;
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
          if (t instanceof SQLException sql && sql.getErrorCode() == Integer.parseInt(c[2])) found = true;
        }
        if (!found) problems.add(c[0] + ": no ISAM " + c[2] + " in " + describe(error));
      }
    }
    // A non-ANSI database truncates an over-long character value silently.
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO " + PREFIX + "err (k, v) VALUES (2, 'abcdefgh')");
      try (ResultSet rows = statement.executeQuery("SELECT v FROM " + PREFIX + "err WHERE k = 2")) {
        expect(problems, "VARCHAR(5) given 'abcdefgh'", rows.next() ? rows.getString(1) : "no row", "abcde");
      }
    } catch (SQLException e) {
      problems.add("over-long VARCHAR: " + describe(e));
    }
    return verdict(problems, "-391, -1202, -1215, -206/-111, -217 as Informix reports them; VARCHAR truncated; "
      + probe(connection));
  }

  private String transactionRollback() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "tx (id INTEGER)");
    }
    connection.setAutoCommit(false);
    try {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO " + PREFIX + "tx VALUES (1)");
        long inside = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "tx");
        if (inside != 1) throw new Mismatch("inside the transaction COUNT(*) = " + inside + ", want 1");
        connection.rollback();
        long after = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "tx");
        if (after != 0) throw new Mismatch("after rollback COUNT(*) = " + after + ", want 0");
        statement.executeUpdate("INSERT INTO " + PREFIX + "tx VALUES (2)");
        connection.commit();
      }
    } finally {
      connection.setAutoCommit(true);
    }
    try (Connection other = open()) {
      long committed = count(other, "SELECT COUNT(*) FROM " + PREFIX + "tx WHERE id = 2");
      long rolledBack = count(other, "SELECT COUNT(*) FROM " + PREFIX + "tx WHERE id = 1");
      if (committed != 1 || rolledBack != 0) {
        throw new Mismatch("second session sees id2=" + committed + " id1=" + rolledBack + ", want 1 and 0");
      }
    }
    return "row invisible after rollback; committed row visible to a second session";
  }

  private String committedReadNoBlock() throws Exception {
    // A logged database's default isolation is COMMITTED READ: a reader keeps no locks, so another session's
    // INSERT and DDL go ahead while the reader's transaction is still open (lock mode NOT WAIT: a conflict would
    // fail at once with -271/-242 and ISAM -107 instead).
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "cr (k INTEGER)");
      statement.executeUpdate("INSERT INTO " + PREFIX + "cr VALUES (1)");
    }
    connection.setAutoCommit(false);
    try {
      long seen = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "cr");
      if (seen != 1) throw new Mismatch("reader sees " + seen + " rows, want 1");
      try (Connection other = open(); Statement statement = other.createStatement()) {
        statement.executeUpdate("INSERT INTO " + PREFIX + "cr VALUES (2)");
        statement.executeUpdate("CREATE TABLE " + PREFIX + "cr_other (k INTEGER)");
      }
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
    long after = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "cr");
    if (after != 2) throw new Mismatch("after both commits COUNT(*) = " + after + ", want 2");
    return "another session inserted and created a table while a reader's transaction was open";
  }

  private String preparedReuse100() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "prep (k INTEGER, v VARCHAR(20))");
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PREFIX + "prep VALUES (?, ?)")) {
      for (int k = 1; k <= 100; k++) {
        insert.setInt(1, k);
        insert.setString(2, "v" + k);
        int count = insert.executeUpdate();
        if (count != 1) throw new Mismatch("insert " + k + " returned " + count);
      }
    }
    try (PreparedStatement select = connection.prepareStatement("SELECT v FROM " + PREFIX + "prep WHERE k = ?")) {
      for (int k = 1; k <= 100; k++) {
        select.setInt(1, k);
        try (ResultSet rows = select.executeQuery()) {
          if (!rows.next()) throw new Mismatch("select k=" + k + " returned no row");
          String v = rows.getString(1);
          if (!("v" + k).equals(v)) throw new Mismatch("select k=" + k + " returned " + v);
          if (rows.next()) throw new Mismatch("select k=" + k + " returned more than one row");
        }
      }
    }
    long total = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "prep");
    if (total != 100) throw new Mismatch("COUNT(*) = " + total + ", want 100");
    return "one INSERT and one SELECT PreparedStatement each executed 100 times";
  }

  private String generatedKeys() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "keys (id SERIAL, v VARCHAR(10))");
    }
    List<Integer> keys = new ArrayList<>();
    try (PreparedStatement insert = connection.prepareStatement(
      "INSERT INTO " + PREFIX + "keys (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      for (String v : List.of("a", "b")) {
        insert.setString(1, v);
        if (insert.executeUpdate() != 1) throw new Mismatch("insert of " + v + " did not report 1 row");
        try (ResultSet generated = insert.getGeneratedKeys()) {
          if (!generated.next()) throw new Mismatch("getGeneratedKeys() is empty after inserting " + v);
          keys.add(generated.getInt(1));
        }
      }
    }
    if (!keys.equals(List.of(1, 2))) throw new Mismatch("generated keys " + keys + ", want [1, 2]");
    // Informix's own way: the last SERIAL is sqlca.sqlerrd[1].
    long sqlerrd1 = count(connection, "SELECT DBINFO('sqlca.sqlerrd1') FROM systables WHERE tabid = 1");
    if (sqlerrd1 != 2) throw new Mismatch("DBINFO('sqlca.sqlerrd1') = " + sqlerrd1 + ", want 2");
    return "getGeneratedKeys() gave 1 then 2; DBINFO('sqlca.sqlerrd1') = 2";
  }

  private String generatedSerial8() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "s8 (id SERIAL8, v VARCHAR(10))");
      statement.executeUpdate("CREATE TABLE " + PREFIX + "bs (id BIGSERIAL, v VARCHAR(10))");
    }
    // IBM JDBC reads SQ_INSERTDONE (`IfxSqli.receiveInsertDone`: the SERIAL8 in the 10-byte INT8 form, then the
    // BIGSERIAL as 8 bytes) into IfxStatement.getSerial8() / getBigSerial(), reset before each statement.
    List<String> problems = new ArrayList<>();
    for (String table : List.of("s8", "bs")) {
      boolean serial8 = table.equals("s8");
      List<Long> got = new ArrayList<>();
      try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + PREFIX + table + " (id, v) VALUES (?, ?)")) {
        long[] explicit = {0, 0, 100, 0};
        for (int i = 0; i < explicit.length; i++) {
          insert.setLong(1, explicit[i]);
          insert.setString(2, "r" + i);
          if (insert.executeUpdate() != 1) throw new Mismatch(table + ": insert " + i + " did not report 1 row");
          IfxStatement ifx = (IfxStatement) insert;
          got.add(serial8 ? ifx.getSerial8() : ifx.getBigSerial());
        }
      }
      // 0 asks for the next value; an explicit 100 moves the counter, so the next one is 101.
      expect(problems, table + " generated", got.toString(), List.of(1L, 2L, 100L, 101L).toString());
      long sum = count(connection, "SELECT SUM(id) FROM " + PREFIX + table);
      expect(problems, table + " SUM(id)", sum, 204L);
    }
    if (!problems.isEmpty()) throw new Mismatch(String.join("; ", problems));
    return "getSerial8() and getBigSerial() gave 1, 2, 100, 101 (0 = next value, explicit 100 moves the counter)";
  }

  private String scrollCursor() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "scroll (k INTEGER, v VARCHAR(10))");
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PREFIX + "scroll VALUES (?, ?)")) {
      for (int k = 1; k <= 20; k++) {
        insert.setInt(1, k);
        insert.setString(2, "s" + k);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    List<String> problems = new ArrayList<>();
    try (Statement statement = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
        ResultSet.CONCUR_READ_ONLY);
      ResultSet rows = statement.executeQuery("SELECT k, v FROM " + PREFIX + "scroll ORDER BY k")) {
      expect(problems, "absolute(5)", rows.absolute(5) ? rows.getInt(1) + "/" + rows.getString(2) : "none", "5/s5");
      expect(problems, "getRow after absolute(5)", rows.getRow(), 5);
      expect(problems, "previous()", rows.previous() ? rows.getInt(1) : -1, 4);
      expect(problems, "last()", rows.last() ? rows.getInt(1) : -1, 20);
      expect(problems, "getRow after last()", rows.getRow(), 20);
      expect(problems, "first()", rows.first() ? rows.getInt(1) : -1, 1);
      expect(problems, "relative(3)", rows.relative(3) ? rows.getInt(1) : -1, 4);
      expect(problems, "next()", rows.next() ? rows.getInt(1) : -1, 5);
      expect(problems, "absolute(25)", rows.absolute(25), false);
      expect(problems, "absolute(-1)", rows.absolute(-1) ? rows.getInt(1) : -1, 20);
    }
    return verdict(problems, "absolute/previous/last/first/relative/next/past-the-end on a 20-row scroll cursor");
  }

  private String savepoint() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "svpt (id INTEGER)");
    }
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO " + PREFIX + "svpt VALUES (1)");
      java.sql.Savepoint first = connection.setSavepoint("sp_one");
      statement.executeUpdate("INSERT INTO " + PREFIX + "svpt VALUES (2)");
      connection.rollback(first);
      statement.executeUpdate("INSERT INTO " + PREFIX + "svpt VALUES (3)");
      java.sql.Savepoint second = connection.setSavepoint();
      statement.executeUpdate("INSERT INTO " + PREFIX + "svpt VALUES (4)");
      connection.releaseSavepoint(second);
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
    List<Integer> ids = new ArrayList<>();
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT id FROM " + PREFIX + "svpt ORDER BY id")) {
      while (rows.next()) ids.add(rows.getInt(1));
    }
    if (!ids.equals(List.of(1, 3, 4))) throw new Mismatch("committed rows " + ids + ", want [1, 3, 4]");
    return "rollback to a named savepoint undid one insert; an unnamed savepoint released; committed [1, 3, 4]";
  }

  private String collectionsRow() throws Exception {
    Connection connection = session();
    String table = PREFIX + "complex";
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + table + " (id INTEGER, s SET(INTEGER NOT NULL),"
        + " l LIST(VARCHAR(20) NOT NULL), r ROW(a INTEGER, b VARCHAR(10)),"
        + " n LIST(ROW(x INTEGER, ys SET(VARCHAR(5) NOT NULL)) NOT NULL))");
      statement.executeUpdate("INSERT INTO " + table + " VALUES (1, SET{3, 1, 3}, LIST{'b', 'a', 'b'}, ROW(7, 'xy'),"
        + " LIST{ROW(1, SET{'p'})})");
    }
    // Bound: an untyped java.util.List (JDBC names it "list (  lvarchar  not null) ") and a Struct with a type text.
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, l, r) VALUES (2, ?, ?)")) {
      insert.setObject(1, new ArrayList<>(List.of("c", "d")));
      // IfxSqliConnect.createStruct is "not supported" (-79700): JDBC binds any java.sql.Struct by its type name.
      insert.setObject(2, new java.sql.Struct() {
        @Override public String getSQLTypeName() { return "row(a integer, b varchar(10))"; }
        @Override public Object[] getAttributes() { return new Object[] {8, "zz"}; }
        @Override public Object[] getAttributes(Map<String, Class<?>> map) { return getAttributes(); }
      });
      insert.executeUpdate();
    }
    List<String> problems = new ArrayList<>();
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT s, l, r, n FROM " + table + " ORDER BY id")) {
      if (!rows.next()) throw new Mismatch("no first row");
      Object set = rows.getObject(1);
      expect(problems, "SET class", set instanceof java.util.Set, true);
      expect(problems, "SET{3,1,3}", set instanceof java.util.Collection<?> c ? new java.util.TreeSet<Object>(c) : set,
        new java.util.TreeSet<Object>(List.of(1, 3)));
      Object list = rows.getObject(2);
      expect(problems, "LIST class", list instanceof java.util.List, true);
      expect(problems, "LIST{'b','a','b'}", list, List.of("b", "a", "b"));
      Object row = rows.getObject(3);
      expect(problems, "ROW class", row instanceof java.sql.Struct, true);
      if (row instanceof java.sql.Struct struct) {
        expect(problems, "ROW(7,'xy')", Arrays.asList(struct.getAttributes()), List.of(7, "xy"));
      }
      Object nested = rows.getObject(4);
      String nestedText = null;
      if (nested instanceof java.util.List<?> items && items.size() == 1 && items.get(0) instanceof java.sql.Struct s) {
        Object[] attributes = s.getAttributes();
        nestedText = attributes[0] + "/" + attributes[1];
      }
      expect(problems, "LIST{ROW(1,SET{'p'})}", nestedText, "1/[p]");
      if (!rows.next()) throw new Mismatch("no second row");
      expect(problems, "bound List", rows.getObject(2), List.of("c", "d"));
      Object bound = rows.getObject(3);
      // JDBC pads a Struct's VARCHAR field to the declared length (JDBC-COMPLEX-TYPES.md §7.3); the padding is kept.
      expect(problems, "bound Struct", bound instanceof java.sql.Struct struct
        ? struct.getAttributes()[0] + "/" + String.valueOf(struct.getAttributes()[1]).trim()
        : bound, "8/zz");
      expect(problems, "NULL SET", rows.getObject(1), null);
    }
    return verdict(problems, "SET -> java.util.Set, LIST -> java.util.List, ROW -> java.sql.Struct, nested LIST of ROW;"
      + " a bound List and Struct read back");
  }

  private String collectionsTemporal() throws Exception {
    Connection connection = session();
    String table = PREFIX + "ctemp";
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + table + " (d LIST(DATE NOT NULL), ts SET(DATETIME YEAR TO SECOND NOT NULL),"
        + " i LIST(INTERVAL DAY(3) TO SECOND NOT NULL), m LIST(DECIMAL(10,2) NOT NULL),"
        + " r ROW(d DATE, t DATETIME YEAR TO FRACTION(3), y INTERVAL YEAR(4) TO MONTH, m DECIMAL(8,3)))");
      statement.executeUpdate("INSERT INTO " + table + " VALUES (LIST{'2024-01-05', '1999-12-31'},"
        + " SET{'2024-01-05 10:11:12', '2024-01-05 10:11:12'}, LIST{'1 02:03:04', '-0 00:00:01'}, LIST{1.5, -2.25},"
        + " ROW('2024-02-29', '2024-02-29 23:59:58.125', '2-03', 1.125))");
    }
    List<String> problems = new ArrayList<>();
    try (Statement statement = connection.createStatement();
      ResultSet rows = statement.executeQuery("SELECT d, ts, i, m, r FROM " + table)) {
      if (!rows.next()) throw new Mismatch("no row");
      expect(problems, "LIST(DATE)", String.valueOf(rows.getObject(1)), "[2024-01-05, 1999-12-31]");
      expect(problems, "SET(DATETIME YEAR TO SECOND)", String.valueOf(rows.getObject(2)), "[2024-01-05 10:11:12.0]");
      expect(problems, "LIST(INTERVAL DAY(3) TO SECOND)", String.valueOf(rows.getObject(3)),
        "[1 02:03:04, -0 00:00:01]");
      expect(problems, "LIST(DECIMAL(10,2))", String.valueOf(rows.getObject(4)), "[1.50, -2.25]");
      Object row = rows.getObject(5);
      expect(problems, "ROW class", row instanceof java.sql.Struct, true);
      if (row instanceof java.sql.Struct struct) {
        expect(problems, "ROW(DATE, DATETIME, INTERVAL, DECIMAL)", Arrays.asList(struct.getAttributes()).toString(),
          "[2024-02-29, 2024-02-29 23:59:58.125, 2-03, 1.125]");
      }
    }
    return verdict(problems, "DATE, DATETIME, INTERVAL and DECIMAL elements and ROW fields read by getObject");
  }

  private String storedProcedure() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "proc (k INTEGER, v VARCHAR(20))");
      statement.executeUpdate("CREATE PROCEDURE " + PREFIX + "put(k INT, v VARCHAR(20))\n"
        + "  INSERT INTO " + PREFIX + "proc VALUES (k, v);\nEND PROCEDURE");
      statement.executeUpdate("CREATE FUNCTION " + PREFIX + "get(key INT) RETURNING VARCHAR(20);\n"
        + "  DEFINE r VARCHAR(20);\n  SELECT v INTO r FROM " + PREFIX + "proc WHERE k = key;\n  RETURN r;\n"
        + "END FUNCTION");
      statement.executeUpdate("CREATE FUNCTION " + PREFIX + "list(lo INT) RETURNING INT AS k, VARCHAR(20) AS v;\n"
        + "  DEFINE a INT; DEFINE b VARCHAR(20);\n"
        + "  FOREACH SELECT k, v INTO a, b FROM " + PREFIX + "proc WHERE k >= lo ORDER BY k\n"
        + "    RETURN a, b WITH RESUME;\n  END FOREACH;\nEND FUNCTION");
      statement.executeUpdate("CREATE PROCEDURE " + PREFIX + "fail(n INT)\n"
        + "  RAISE EXCEPTION -746, 0, 'refused ' || n;\nEND PROCEDURE");
    }
    // {call p(?, ?)} reaches the server as "execute procedure p(?, ?)" (NativeSQL rewrites the escape).
    try (CallableStatement call = connection.prepareCall("{call " + PREFIX + "put(?, ?)}")) {
      for (int k = 1; k <= 3; k++) {
        call.setInt(1, k);
        call.setString(2, "v" + k);
        call.executeUpdate();
      }
    }
    // {? = call f(?)} becomes "execute function f(?)"; the value comes back as a one-row result set (the leading
    // ? is not a parameter: IfxPreparedStatement.cntqmarks(sql, "=") skips it).
    String got;
    try (CallableStatement call = connection.prepareCall("{? = call " + PREFIX + "get(?)}")) {
      call.setInt(1, 2);
      try (ResultSet rows = call.executeQuery()) {
        if (!rows.next()) throw new Mismatch("execute function returned no row");
        got = rows.getString(1);
      }
    }
    if (!"v2".equals(got)) throw new Mismatch("get(2) = " + got + ", want v2");
    List<String> listed = new ArrayList<>();
    try (CallableStatement call = connection.prepareCall("{call " + PREFIX + "list(?)}")) {
      call.setInt(1, 2);
      try (ResultSet rows = call.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        String names = meta.getColumnName(1) + "," + meta.getColumnName(2);
        if (!names.equals("k,v")) throw new Mismatch("RETURNING names " + names + ", want k,v");
        while (rows.next()) listed.add(rows.getInt(1) + "=" + rows.getString(2));
      }
    }
    if (!listed.equals(List.of("2=v2", "3=v3"))) throw new Mismatch("list(2) rows " + listed);
    SQLException error = null;
    try (CallableStatement call = connection.prepareCall("{call " + PREFIX + "fail(?)}")) {
      call.setInt(1, 7);
      call.execute();
    } catch (SQLException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("RAISE EXCEPTION did not fail the call");
    if (error.getErrorCode() != -746 || !String.valueOf(error.getMessage()).contains("refused 7")) {
      throw new Mismatch("want -746 'refused 7', got " + describe(error));
    }
    return "{call p(?, ?)} x3, {? = call f(?)} = v2, a WITH RESUME function read as a result set "
      + listed + ", RAISE EXCEPTION -> " + describe(error) + "; then " + probe(connection);
  }

  private String batchWithError() throws Exception {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + PREFIX + "batch (k INTEGER PRIMARY KEY)");
    }
    java.sql.BatchUpdateException error = null;
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + PREFIX + "batch VALUES (?)")) {
      for (int k : new int[] {1, 2, 1, 3}) {
        insert.setInt(1, k);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (java.sql.BatchUpdateException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("executeBatch with a duplicate key succeeded");
    SQLException cause = error.getNextException() != null ? error.getNextException() : error;
    int code = error.getErrorCode() != 0 ? error.getErrorCode() : cause.getErrorCode();
    if (code != -268 && code != -239) throw new Mismatch("want -268 or -239, got " + describe(error));
    int[] counts = error.getUpdateCounts();
    if (counts.length < 2 || counts[0] != 1 || counts[1] != 1) {
      throw new Mismatch("update counts " + Arrays.toString(counts) + ", want [1, 1, ...]");
    }
    long before = count(connection, "SELECT COUNT(*) FROM " + PREFIX + "batch WHERE k IN (1, 2)");
    if (before != 2) throw new Mismatch("rows 1 and 2 before the failing row: COUNT = " + before + ", want 2");
    // Whether the rows after the failing one ran is left open (SQLI.md §13 Q24); the session must still work.
    return "BatchUpdateException " + code + ", counts " + Arrays.toString(counts) + "; " + probe(connection);
  }

  private String wrongPassword() throws Exception {
    String url = url(Integer.parseInt(required("port")), false).replace(
      ";password=" + option("password", "in4mix"), ";password=not-" + option("password", "in4mix"));
    SQLException error = null;
    try (Connection ignored = DriverManager.getConnection(url)) {
      // Connected with a wrong password: reported below.
    } catch (SQLException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("login with a wrong password succeeded");
    if (error.getErrorCode() != -951) throw new Mismatch("want -951, got " + describe(error));
    try (Connection good = open()) {
      return "got " + describe(error).split(" at ")[0] + "; then the right password connects: " + probe(good);
    }
  }

  private String unknownDatabase() throws Exception {
    String url = url(Integer.parseInt(required("port")), false).replace(
      "/" + option("database", "testdb") + ":", "/no_such_database:");
    SQLException error = null;
    try (Connection ignored = DriverManager.getConnection(url)) {
      // Opened a database that does not exist: reported below.
    } catch (SQLException e) {
      error = e;
    }
    if (error == null) throw new Mismatch("connecting to database no_such_database succeeded");
    if (error.getErrorCode() != -329) throw new Mismatch("want -329, got " + describe(error));
    return "got " + describe(error).split(" at ")[0];
  }

  private String isValid() throws Exception {
    Connection connection = session();
    if (!connection.isValid(5)) throw new Mismatch("isValid(5) returned false on a working session");
    return "isValid(5) true; then " + probe(connection);
  }

  private String queryTimeout() throws Exception {
    String stall = option("stall-sql", "");
    if (stall.isEmpty()) throw new Mismatch("server lacks stall hook");
    Connection connection = session();
    long start = System.nanoTime();
    SQLException error = null;
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(1);
      statement.execute(stall);
    } catch (SQLException e) {
      error = e;
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (error == null) throw new Mismatch("stalled statement completed without error after " + ms + " ms");
    if (error.getErrorCode() != -213 && error.getErrorCode() != -80505) {
      throw new Mismatch("want -213 or -80505, got " + describe(error));
    }
    if (ms > 10_000) throw new Mismatch("timeout took " + ms + " ms");
    return "after " + ms + " ms: " + describe(error) + "; then " + probe(connection);
  }

  private String statementCancel() throws Exception {
    String stall = option("stall-sql", "");
    if (stall.isEmpty()) throw new Mismatch("server lacks stall hook");
    Connection connection = session();
    long start = System.nanoTime();
    SQLException error = null;
    try (Statement statement = connection.createStatement()) {
      Thread canceller = new Thread(() -> {
        try {
          Thread.sleep(500);
          statement.cancel();
        } catch (Exception ignored) {
          // If cancel itself fails the stalled statement never ends and the scenario times out, which reports it.
        }
      });
      canceller.setDaemon(true);
      canceller.start();
      statement.execute(stall);
    } catch (SQLException e) {
      error = e;
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (error == null) throw new Mismatch("stalled statement completed without error after " + ms + " ms");
    if (error.getErrorCode() != -213) throw new Mismatch("want -213, got " + describe(error));
    return "after " + ms + " ms: " + describe(error) + "; then " + probe(connection);
  }

  private String connectTls() throws Exception {
    String tlsPort = option("tls-port", "");
    String ca = option("ca", "");
    if (tlsPort.isEmpty() || ca.isEmpty()) throw new Mismatch("no TLS port / CA given");
    // Trust exactly the server's CA: a PKCS12 trust store holding only that certificate, named through the
    // documented javax.net.ssl properties (IBM: "Connecting JDBC applications with SSL").
    Path store = Files.createTempFile("conformance-trust", ".p12");
    store.toFile().deleteOnExit();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream pem = new FileInputStream(ca)) {
      int index = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        trust.setCertificateEntry("ca" + index++, certificate);
      }
      if (index == 0) throw new Mismatch("no certificate in " + ca);
    }
    char[] password = "conformance".toCharArray();
    try (FileOutputStream out = new FileOutputStream(store.toFile())) {
      trust.store(out, password);
    }
    System.setProperty("javax.net.ssl.trustStore", store.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    try (Connection connection = DriverManager.getConnection(url(Integer.parseInt(tlsPort), true))) {
      String product = connection.getMetaData().getDatabaseProductVersion();
      return "TLS session to product " + product + "; " + probe(connection);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The instance: databases, sysmaster, cross-database names, DatabaseMetaData

  /** A session logged in without a database (no "/database" in the URL), with extra URL properties. */
  private Connection openInstance(String properties) throws SQLException {
    String url = "jdbc:informix-sqli://" + option("host", "127.0.0.1") + ":" + required("port") + ":INFORMIXSERVER="
      + option("server", "ol_test") + ";user=" + option("user", "informix") + ";password="
      + option("password", "in4mix") + properties;
    return DriverManager.getConnection(url);
  }

  /** The sqlcode a statement fails with, 0 when it succeeds. */
  private static int sqlcodeOf(Connection connection, String sql) {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
      return 0;
    } catch (SQLException e) {
      return e.getErrorCode();
    }
  }

  /** Rows as lists of trimmed strings. */
  private static List<List<String>> rows(Connection connection, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          String v = rs.getString(i);
          row.add(v == null ? null : v.trim());
        }
        out.add(row);
      }
    }
    return out;
  }

  private String instanceDatabases() throws Exception {
    List<String> problems = new ArrayList<>();
    try (Connection connection = openInstance("")) {
      expect(problems, "no database: catalog", connection.getCatalog(), null);
      expect(problems, "statement before any database", sqlcodeOf(connection, "SELECT 1 FROM systables"), -349);
      String[][] kinds = {{"logged", "WITH LOG"}, {"buffered", "WITH BUFFERED LOG"}, {"ansi", "WITH LOG MODE ANSI"},
        {"unlogged", ""}};
      for (String[] kind : kinds) {
        sqlcodeOf(connection, "DROP DATABASE IF EXISTS " + PREFIX + kind[0]);
        expect(problems, "CREATE DATABASE " + kind[0],
          sqlcodeOf(connection, "CREATE DATABASE " + PREFIX + kind[0] + " " + kind[1]), 0);
      }
      // CREATE DATABASE opened the last one: JDBC follows (statement type 12).
      expect(problems, "catalog after CREATE", connection.getCatalog(), PREFIX + "unlogged");
      expect(problems, "CREATE existing", sqlcodeOf(connection, "CREATE DATABASE " + PREFIX + "logged"), -330);
      expect(problems, "DROP current", sqlcodeOf(connection, "DROP DATABASE " + PREFIX + "unlogged"), -359);
      expect(problems, "DATABASE missing", sqlcodeOf(connection, "DATABASE " + PREFIX + "missing"), -329);
      expect(problems, "DATABASE logged", sqlcodeOf(connection, "DATABASE " + PREFIX + "logged"), 0);
      expect(problems, "logged: transactions", connection.getMetaData().supportsTransactions(), true);
      expect(problems, "sysdatabases", rows(connection,
        "SELECT name, is_logging, is_buff_log, is_ansi FROM sysmaster:sysdatabases WHERE name IN ('" + PREFIX
          + "logged', '" + PREFIX + "buffered', '" + PREFIX + "ansi', '" + PREFIX + "unlogged') ORDER BY name"),
        List.of(List.of(PREFIX + "ansi", "1", "0", "1"), List.of(PREFIX + "buffered", "1", "1", "0"),
          List.of(PREFIX + "logged", "1", "0", "0"), List.of(PREFIX + "unlogged", "0", "0", "0")));
      // A UTF-8 database through DB_LOCALE; JDBC converts text to the database code set itself.
      try (Connection utf8 = openInstance(";DB_LOCALE=en_US.utf8")) {
        sqlcodeOf(utf8, "DROP DATABASE IF EXISTS " + PREFIX + "utf8");
        expect(problems, "CREATE utf8", sqlcodeOf(utf8, "CREATE DATABASE " + PREFIX + "utf8 WITH LOG"), 0);
        expect(problems, "utf8 table", sqlcodeOf(utf8, "CREATE TABLE " + PREFIX + "words (w VARCHAR(20))"), 0);
        try (PreparedStatement insert = utf8.prepareStatement("INSERT INTO " + PREFIX + "words VALUES (?)")) {
          insert.setString(1, "\u00e9t\u00e9 \u20ac");
          insert.executeUpdate();
        }
        expect(problems, "utf8 text", rows(utf8, "SELECT w FROM " + PREFIX + "words"),
          List.of(List.of("\u00e9t\u00e9 \u20ac")));
        expect(problems, "sysdbslocale", rows(utf8,
          "SELECT dbs_collate FROM sysmaster:sysdbslocale WHERE dbs_dbsname = '" + PREFIX + "utf8'"),
          List.of(List.of("en_US.utf8")));
        expect(problems, "CLOSE utf8", sqlcodeOf(utf8, "CLOSE DATABASE"), 0);
        expect(problems, "DROP utf8", sqlcodeOf(utf8, "DROP DATABASE " + PREFIX + "utf8"), 0);
      }
      expect(problems, "CLOSE DATABASE", sqlcodeOf(connection, "CLOSE DATABASE"), 0);
      for (String[] kind : kinds) {
        expect(problems, "DROP " + kind[0], sqlcodeOf(connection, "DROP DATABASE " + PREFIX + kind[0]), 0);
      }
    }
    return verdict(problems, "no database at login (-349), CREATE x4 + UTF-8 via DB_LOCALE, -330/-359/-329, "
      + "sysdatabases flags, sysdbslocale, DROP");
  }

  private String sysmasterRead() throws Exception {
    List<String> problems = new ArrayList<>();
    try (Connection connection = openInstance("")) {
      expect(problems, "DATABASE sysmaster", sqlcodeOf(connection, "DATABASE sysmaster"), 0);
      List<String> names = new ArrayList<>();
      for (List<String> row : rows(connection, "SELECT name FROM sysdatabases ORDER BY name")) names.add(row.get(0));
      for (String name : List.of("sysadmin", "sysmaster", "sysuser", "sysutils", option("database", "testdb"))) {
        if (!names.contains(name)) problems.add("sysdatabases lacks " + name + ": " + names);
      }
      List<List<String>> sessions = rows(connection,
        "SELECT count(*) FROM syssessions WHERE username = '" + option("user", "informix") + "'");
      if (Integer.parseInt(sessions.get(0).get(0)) < 1) problems.add("syssessions does not list this session");
      expect(problems, "DELETE FROM sysdatabases", sqlcodeOf(connection, "DELETE FROM sysdatabases"), -274);
      expect(problems, "CREATE TABLE in sysmaster", sqlcodeOf(connection, "CREATE TABLE t (a INTEGER)"), -388);
    }
    return verdict(problems, "sysdatabases lists the system databases and ours; syssessions; writes refused");
  }

  private String crossDatabase() throws Exception {
    List<String> problems = new ArrayList<>();
    String x = PREFIX + "xdb";
    try (Connection other = openInstance("")) {
      sqlcodeOf(other, "DROP DATABASE IF EXISTS " + x);
      expect(problems, "CREATE xdb", sqlcodeOf(other, "CREATE DATABASE " + x + " WITH LOG"), 0);
      sqlcodeOf(other, "CREATE TABLE " + PREFIX + "part (id INTEGER, qty INTEGER)");
      sqlcodeOf(other, "INSERT INTO " + PREFIX + "part VALUES (1, 10)");
      sqlcodeOf(other, "CLOSE DATABASE");
      Connection connection = session();
      sqlcodeOf(connection, "CREATE TABLE " + PREFIX + "ord (id INTEGER, part INTEGER)");
      sqlcodeOf(connection, "INSERT INTO " + PREFIX + "ord VALUES (7, 1)");
      expect(problems, "join", rows(connection,
        "SELECT o.id, p.qty FROM " + PREFIX + "ord o, " + x + ":" + PREFIX + "part p WHERE p.id = o.part"),
        List.of(List.of("7", "10")));
      expect(problems, "db@server:owner.table", rows(connection,
        "SELECT qty FROM " + x + "@" + option("server", "ol_test") + ":informix." + PREFIX + "part"),
        List.of(List.of("10")));
      // One transaction over both databases: rolled back together, then committed together.
      String both = "SELECT (SELECT count(*) FROM " + PREFIX + "ord), (SELECT count(*) FROM " + x + ":" + PREFIX
        + "part) FROM systables WHERE tabid = 1";
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO " + PREFIX + "ord VALUES (8, 2)");
        statement.executeUpdate("INSERT INTO " + x + ":" + PREFIX + "part VALUES (2, 20)");
        connection.rollback();
        expect(problems, "after rollback", rows(connection, both), List.of(List.of("1", "1")));
        statement.executeUpdate("INSERT INTO " + PREFIX + "ord VALUES (8, 2)");
        statement.executeUpdate("INSERT INTO " + x + ":" + PREFIX + "part VALUES (2, 20)");
        connection.commit();
      } finally {
        connection.setAutoCommit(true);
      }
      expect(problems, "after commit", rows(connection, both), List.of(List.of("2", "2")));
      expect(problems, "unknown database",
        sqlcodeOf(connection, "SELECT * FROM " + PREFIX + "nodb:" + PREFIX + "part"), -329);
      expect(problems, "unknown table", sqlcodeOf(connection, "SELECT * FROM " + x + ":" + PREFIX + "nosuch"), -206);
      expect(problems, "DROP xdb", sqlcodeOf(other, "DROP DATABASE " + x), 0);
    }
    return verdict(problems, "db:table join, db@server:owner.table, one transaction over two databases, -329/-206");
  }

  private String databaseMetadata() throws Exception {
    List<String> problems = new ArrayList<>();
    String db = PREFIX + "meta";
    try (Connection connection = openInstance("")) {
      sqlcodeOf(connection, "DROP DATABASE IF EXISTS " + db);
      expect(problems, "CREATE meta", sqlcodeOf(connection, "CREATE DATABASE " + db + " WITH LOG"), 0);
      expect(problems, "CREATE owner", sqlcodeOf(connection, "CREATE TABLE Owner (ownerId SERIAL PRIMARY KEY, "
        + "Name VARCHAR(30) NOT NULL, balance DECIMAL(10,2) DEFAULT 0)"), 0);
      expect(problems, "CREATE pet", sqlcodeOf(connection, "CREATE TABLE pet (id INTEGER PRIMARY KEY, "
        + "owner_id INTEGER REFERENCES owner (ownerid), tag CHAR(8))"), 0);
      expect(problems, "CREATE INDEX", sqlcodeOf(connection, "CREATE UNIQUE INDEX pet_tag ON pet (tag)"), 0);
      DatabaseMetaData meta = connection.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) tables.add(rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_NAME"));
      }
      expect(problems, "getTables", tables, List.of(db + ".owner", db + ".pet"));
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = meta.getColumns(null, null, "owner", "%")) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("DATA_TYPE") + ":" + rs.getString("TYPE_NAME") + ":"
            + rs.getInt("COLUMN_SIZE") + ":" + rs.getInt("DECIMAL_DIGITS") + ":" + rs.getString("IS_NULLABLE") + ":"
            + rs.getString("IS_AUTOINCREMENT") + ":" + rs.getString("COLUMN_DEF"));
        }
      }
      expect(problems, "getColumns", columns, List.of("ownerid:" + Types.INTEGER + ":serial:10:0:NO:YES:null",
        "name:" + Types.VARCHAR + ":varchar:30:0:NO:NO:null", "balance:" + Types.DECIMAL + ":decimal:10:2:YES:NO:0"));
      List<String> keys = new ArrayList<>();
      try (ResultSet rs = meta.getPrimaryKeys(null, null, "pet")) {
        while (rs.next()) keys.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("KEY_SEQ"));
      }
      expect(problems, "getPrimaryKeys", keys, List.of("id:1"));
      List<String> imported = new ArrayList<>();
      try (ResultSet rs = meta.getImportedKeys(null, null, "pet")) {
        while (rs.next()) {
          imported.add(rs.getString("PKTABLE_NAME") + "." + rs.getString("PKCOLUMN_NAME") + "<-"
            + rs.getString("FKTABLE_NAME") + "." + rs.getString("FKCOLUMN_NAME") + ":" + rs.getInt("KEY_SEQ"));
        }
      }
      expect(problems, "getImportedKeys", imported, List.of("owner.ownerid<-pet.owner_id:1"));
      List<String> indexes = new ArrayList<>();
      try (ResultSet rs = meta.getIndexInfo(null, null, "pet", false, false)) {
        while (rs.next()) {
          indexes.add(rs.getString("COLUMN_NAME") + ":" + (rs.getBoolean("NON_UNIQUE") ? "dup" : "unique"));
        }
      }
      indexes.sort(null);
      expect(problems, "getIndexInfo", indexes, List.of("id:unique", "owner_id:dup", "tag:unique"));
      int procedures = 0;
      try (ResultSet rs = meta.getProcedures(null, null, "%")) {
        while (rs.next()) procedures++;
      }
      expect(problems, "getProcedures", procedures, 0);
      // getCatalogs reads the server's database list (SQ_DBLIST); getSchemas the owners of systables.
      List<String> catalogs = new ArrayList<>();
      try (ResultSet rs = meta.getCatalogs()) {
        while (rs.next()) catalogs.add(rs.getString(1));
      }
      for (String name : List.of(db, "sysmaster", option("database", "testdb"))) {
        if (!catalogs.contains(name)) problems.add("getCatalogs lacks " + name + ": " + catalogs);
      }
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs = meta.getSchemas()) {
        while (rs.next()) schemas.add(rs.getString(1).trim());
      }
      expect(problems, "getSchemas", schemas, List.of("informix"));
      sqlcodeOf(connection, "CLOSE DATABASE");
      expect(problems, "DROP meta", sqlcodeOf(connection, "DROP DATABASE " + db), 0);
    }
    return verdict(problems, "getTables, getColumns (names folded, types, defaults), getPrimaryKeys, "
      + "getImportedKeys, getIndexInfo, getProcedures, getCatalogs, getSchemas");
  }

  private String disconnect() throws Exception {
    Connection connection = session();
    connection.close();
    if (!connection.isClosed()) throw new Mismatch("isClosed() is false after close()");
    synchronized (this) {
      session = null;
    }
    return "close() returned; isClosed() true";
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /** A one-row query that shows the session still works after an error. */
  private static String probe(Connection connection) throws SQLException {
    long value = count(connection, "SELECT COUNT(*) FROM systables WHERE tabid = 1");
    if (value != 1) throw new Mismatch("follow-up SELECT COUNT(*) FROM systables WHERE tabid = 1 gave " + value);
    return "follow-up query on the same session returned 1";
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) throw new Mismatch("no row from " + sql);
      return rows.getLong(1);
    }
  }

  private static final class Mismatch extends RuntimeException {
    Mismatch(String message) {
      super(message);
    }
  }

  private static void expect(List<String> problems, String what, Object got, Object want) {
    if (!Objects.equals(got, want)) problems.add(what + ": got " + typeAndValue(got) + ", want " + typeAndValue(want));
  }

  private static String verdict(List<String> problems, String success) {
    if (!problems.isEmpty()) throw new Mismatch(problems.size() + " mismatch(es): " + String.join("; ", problems));
    return success;
  }

  private static String plain(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static String typeAndValue(Object value) {
    if (value == null) return "null";
    if (value instanceof String text) {
      return text.length() > 60 ? json(text.substring(0, 60)) + "...(" + text.length() + " chars)" : json(text);
    }
    return value.getClass().getSimpleName() + " " + value;
  }

  /** An exception as the TestServer owner needs it: class, SQL code, SQLSTATE, message, chain, driver frames. */
  private static String describe(Throwable error) {
    if (error instanceof Mismatch) return error.getMessage();
    StringBuilder out = new StringBuilder();
    Throwable current = error;
    for (int depth = 0; current != null && depth < 4; depth++) {
      if (depth > 0) out.append(" | caused by ");
      out.append(current.getClass().getName());
      if (current instanceof SQLException sql) {
        out.append(" code=").append(sql.getErrorCode()).append(" state=").append(sql.getSQLState());
      }
      out.append(": ").append(current.getMessage());
      if (current instanceof SQLException sql) {
        for (SQLException next = sql.getNextException(); next != null; next = next.getNextException()) {
          out.append(" | next code=").append(next.getErrorCode()).append(": ").append(next.getMessage());
        }
      }
      if (!(current instanceof SQLException) || current.getCause() == null) {
        StackTraceElement[] frames = current.getStackTrace();
        out.append(" at ");
        for (int i = 0; i < Math.min(4, frames.length); i++) out.append(i > 0 ? " < " : "").append(frames[i]);
      }
      current = current.getCause() == current ? null : current.getCause();
    }
    return out.toString();
  }

  private static String json(String text) {
    if (text == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  private String option(String name, String fallback) {
    String value = options.get(name);
    if (value != null) return value;
    String env = System.getenv("CONFORMANCE_" + name.toUpperCase().replace('-', '_'));
    return env != null ? env : fallback;
  }

  private String required(String name) {
    String value = option(name, "");
    if (value.isEmpty()) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  private static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
      String key = args[i].substring(2);
      int eq = key.indexOf('=');
      if (eq >= 0) options.put(key.substring(0, eq), key.substring(eq + 1));
      else if (i + 1 < args.length) options.put(key, args[++i]);
      else throw new IllegalArgumentException("missing value for " + args[i]);
    }
    return options;
  }
}
