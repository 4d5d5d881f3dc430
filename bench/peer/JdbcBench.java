import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The IBM JDBC baseline for bench/peer-jdbc.ts: the same workloads as our driver against the same TestServer child
 * process, in the same run. Launched as a single-file program (`java -cp jdbc.jar JdbcBench.java <url>`), so nothing
 * is built or installed; it stays up for the whole benchmark so that its JIT is as warm as our process's.
 *
 * <p>Protocol: one command per stdin line, one JSON object per stdout line in reply (errors: {"error": "..."}):
 * <ul>
 *   <li>{@code fetch <rows> <sql>}: Statement.executeQuery + next() + getObject of every column;</li>
 *   <li>{@code latency <samples> <sql>}: one PreparedStatement (prepared once) executed, read and closed per sample;
 *   <li>{@code latencyBlock <samples> <sql>}: the same, as one block of an interleaved measurement: only each
 *       sample's microseconds in reply;</li>
 *   <li>{@code pool <threads> <ops> <sql>}: {@code threads} threads share a pool of 10 sessions (a blocking queue of
 *       sessions, each with its prepared statement: the usual pool + statement cache), {@code ops} queries in all;</li>
 *   <li>{@code batch <rows> <batchSize> <table>}: INSERT (id, name, amount) through addBatch/executeBatch.</li>
 * </ul>
 * Every reply carries the wall time, the process CPU time (OperatingSystemMXBean, every JVM thread: JIT and GC
 * included, as process.cpuUsage() includes them for Node) and the bytes allocated by the threads that did the work
 * (ThreadMXBean.getThreadAllocatedBytes).
 */
public final class JdbcBench {
  private static final int POOL_SIZE = 10;
  private static final com.sun.management.OperatingSystemMXBean OS =
    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String url;
  private Connection session;
  private final List<Connection> pool = new ArrayList<>();

  private JdbcBench(String url) {
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    Class.forName("com.informix.jdbc.IfxDriver");
    JdbcBench bench = new JdbcBench(args[0]);
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
    System.out.println("{\"ready\":true,\"driver\":\"" + bench.driverVersion() + "\"}");
    System.out.flush();
    for (String line; (line = in.readLine()) != null;) {
      String reply;
      try {
        reply = bench.run(line.split(" ", 4));
      } catch (Exception error) {
        reply = "{\"error\":" + quote(error.toString()) + "}";
      }
      System.out.println(reply);
      System.out.flush();
    }
    for (Connection connection : bench.pool) connection.close();
    if (bench.session != null) bench.session.close();
    System.exit(0);
  }

  private String driverVersion() throws SQLException {
    return session().getMetaData().getDriverVersion();
  }

  private Connection session() throws SQLException {
    if (session == null) session = DriverManager.getConnection(url);
    return session;
  }

  private String run(String[] command) throws Exception {
    switch (command[0]) {
      case "fetch":
        return fetch(Integer.parseInt(command[1]), rest(command, 2));
      case "latency":
        return latency(Integer.parseInt(command[1]), rest(command, 2));
      case "latencyBlock":
        return latencyBlock(Integer.parseInt(command[1]), rest(command, 2));
      case "pool":
        return pool(Integer.parseInt(command[1]), Integer.parseInt(command[2]), command[3]);
      case "batch":
        return batch(Integer.parseInt(command[1]), Integer.parseInt(command[2]), command[3]);
      default:
        throw new IllegalArgumentException("unknown command " + command[0]);
    }
  }

  private static String rest(String[] command, int from) {
    return String.join(" ", Arrays.copyOfRange(command, from, command.length));
  }

  /** Wall time, process CPU and this thread's allocation around a body. */
  private static final class Meter {
    final long wall = System.nanoTime();
    final long cpu = OS.getProcessCpuTime();
    final long allocated = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());

    String json(String extra, long otherThreadsAllocated) {
      long wallNs = System.nanoTime() - wall;
      long cpuNs = OS.getProcessCpuTime() - cpu;
      long bytes = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocated + otherThreadsAllocated;
      return "{\"seconds\":" + wallNs / 1e9 + ",\"cpu_seconds\":" + cpuNs / 1e9 + ",\"allocated_bytes\":" + bytes
        + (extra.isEmpty() ? "" : "," + extra) + "}";
    }
  }

  private String fetch(int expected, String sql) throws SQLException {
    Connection connection = session();
    Meter meter = new Meter();
    long rows = 0;
    long sink = 0;
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int i = 1; i <= columns; i++) {
          if (result.getObject(i) != null) sink++;
        }
        rows++;
      }
    }
    if (rows != expected) throw new IllegalStateException("fetched " + rows + " rows, expected " + expected);
    return meter.json("\"rows\":" + rows + ",\"non_null\":" + sink, 0);
  }

  private static void oneRow(PreparedStatement statement) throws SQLException {
    try (ResultSet result = statement.executeQuery()) {
      if (!result.next() || result.getInt(1) != 42) throw new IllegalStateException("unexpected one-row result");
      result.getString(2);
      result.getBigDecimal(3);
      if (result.next()) throw new IllegalStateException("more than one row");
    }
  }

  private String latency(int samples, String sql) throws SQLException {
    PreparedStatement statement = session().prepareStatement(sql);
    for (int i = 0; i < 200; i++) oneRow(statement); // this command's own short warm-up (the JIT stays warm)
    double[] micros = new double[samples];
    Meter meter = new Meter();
    for (int i = 0; i < samples; i++) {
      long started = System.nanoTime();
      oneRow(statement);
      micros[i] = (System.nanoTime() - started) / 1e3;
    }
    String json = meter.json(
      "\"samples\":" + samples + ",\"p50_us\":" + percentile(micros, 50) + ",\"p99_us\":" + percentile(micros, 99),
      0
    );
    statement.close();
    return json;
  }

  /** The statement of {@code latencyBlock}, prepared by its first block and kept for the next ones. */
  private PreparedStatement blockStatement;
  private String blockSql;

  /**
   * One block of the interleaved latency measurement: {@code samples} executions of the prepared one-row query,
   * timed one by one after one untimed execution, nothing else (no meter); the caller alternates such blocks with
   * its own.
   */
  private String latencyBlock(int samples, String sql) throws SQLException {
    if (blockStatement == null || !sql.equals(blockSql)) {
      if (blockStatement != null) blockStatement.close();
      blockStatement = session().prepareStatement(sql);
      blockSql = sql;
    }
    oneRow(blockStatement); // after the other driver's block: one query to wake up, not timed
    StringBuilder micros = new StringBuilder("{\"micros\":[");
    for (int i = 0; i < samples; i++) {
      long started = System.nanoTime();
      oneRow(blockStatement);
      if (i > 0) micros.append(',');
      micros.append((System.nanoTime() - started) / 1e3);
    }
    return micros.append("]}").toString();
  }

  private static double percentile(double[] samples, double p) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
    return sorted[rank];
  }

  private String pool(int threads, int operations, String sql) throws Exception {
    while (pool.size() < POOL_SIZE) pool.add(DriverManager.getConnection(url));
    // A session and its prepared statement travel together: a pool with a per-session statement cache.
    BlockingQueue<PreparedStatement> idle = new ArrayBlockingQueue<>(POOL_SIZE);
    for (Connection connection : pool) idle.add(connection.prepareStatement(sql));
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    long[] ids = new long[threads];
    long[] allocatedBefore = new long[threads];
    long[] allocatedAfter = new long[threads];
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker = new Thread(() -> {
        ids[index] = Thread.currentThread().getId();
        allocatedBefore[index] = THREADS.getThreadAllocatedBytes(ids[index]);
        ready.countDown();
        try {
          start.await();
          while (next.getAndIncrement() < operations) {
            PreparedStatement statement = idle.take();
            try {
              oneRow(statement);
            } finally {
              idle.put(statement);
            }
          }
        } catch (Exception error) {
          failure.compareAndSet(null, error);
        } finally {
          allocatedAfter[index] = THREADS.getThreadAllocatedBytes(ids[index]);
          done.countDown();
        }
      });
      worker.start();
    }
    ready.await();
    Meter meter = new Meter();
    start.countDown();
    done.await();
    long allocated = 0;
    for (int t = 0; t < threads; t++) allocated += allocatedAfter[t] - allocatedBefore[t];
    String json = meter.json("\"ops\":" + operations + ",\"threads\":" + threads, allocated);
    for (PreparedStatement statement : idle) statement.close();
    if (failure.get() != null) throw failure.get();
    return json;
  }

  private String batch(int rows, int batchSize, String table) throws SQLException {
    Connection connection = session();
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("CREATE TABLE " + table + " (id INTEGER, name VARCHAR(40), amount DECIMAL(16,2))");
    }
    Meter meter = new Meter();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
      for (int id = 1; id <= rows; id++) {
        insert.setInt(1, id);
        insert.setString(2, "name " + id);
        insert.setBigDecimal(3, BigDecimal.valueOf(id * 125L, 2));
        insert.addBatch();
        if (id % batchSize == 0 || id == rows) insert.executeBatch();
      }
    }
    String json = meter.json("\"rows\":" + rows, 0);
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("DROP TABLE " + table);
    }
    return json;
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
