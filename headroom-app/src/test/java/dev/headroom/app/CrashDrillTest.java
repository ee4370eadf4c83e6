package dev.headroom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EventResult;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.kit.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kill -9 drill of `./headroom run` with a data directory: the platform runs in a child JVM,
 * takes events, is killed mid-ingest, and is started again on the same directory. The second start
 * must succeed on the first try (the orphaned PostgreSQL is stopped and the log says so), and every
 * event acknowledged before the kill must be stored exactly once.
 */
class CrashDrillTest {
  private static final Pattern SIGNAL_PORT =
      Pattern.compile("^signal\\s+gRPC 127\\.0\\.0\\.1:(\\d+)");
  private static final String READY = "Headroom is running";

  /** One run of the platform in its own JVM, its log in a file. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final Path log;
    final int signalPort;

    Child(Path dataDir, Path log) throws Exception {
      this.log = log;
      String java = ProcessHandle.current().info().command().orElseThrow();
      ProcessBuilder pb =
          new ProcessBuilder(
                  java,
                  "-Xmx512m",
                  "--enable-native-access=ALL-UNNAMED",
                  "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  HeadroomApp.class.getName(),
                  "all")
              .redirectErrorStream(true);
      pb.environment().keySet().removeIf(k -> k.startsWith("HEADROOM_"));
      pb.environment().put("HEADROOM_DATA_DIR", dataDir.toString());
      pb.environment().put("HEADROOM_GRPC_PORT", "0");
      pb.environment().put("HEADROOM_HTTP_PORT", "0");
      pb.environment().put("HEADROOM_HTTP_HOST", "127.0.0.1");
      this.process = pb.start();
      this.signalPort = awaitReady();
    }

    /** Copies the child's output to the log file and returns signal's port once it is up. */
    private int awaitReady() throws Exception {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread copier =
          new Thread(
              () -> {
                Integer found = null;
                try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8));
                    var out = Files.newBufferedWriter(log)) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher m = SIGNAL_PORT.matcher(line);
                    if (m.find()) {
                      found = Integer.valueOf(m.group(1));
                    }
                    if (line.startsWith(READY) && found != null) {
                      port.complete(found);
                    }
                  }
                } catch (IOException e) {
                  port.completeExceptionally(e);
                }
                port.completeExceptionally(
                    new IllegalStateException(
                        "the platform exited before it was ready; see " + log));
              },
              "crash-drill-output");
      copier.setDaemon(true);
      copier.start();
      // A hang guard, not a timing assertion: a platform that never comes up fails here.
      return port.get(5, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static List<UsageEvent> batch(int size) {
    List<UsageEvent> events = new ArrayList<>(size);
    Instant now = Instant.now();
    for (int i = 0; i < size; i++) {
      events.add(
          UsageEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setAccountId("acct-" + (i % 20))
              .setUserId("user-" + (i % 50))
              .setKind("USER_ACTIVE")
              .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
              .build());
    }
    return events;
  }

  @Test
  void killedMidIngestThenRestartedOnTheSameDataDirectory() throws Exception {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "crash-drill-" + UUID.randomUUID());
    Path dataDir = root.resolve("data");
    Files.createDirectories(root);
    List<UsageEvent> acknowledged = new ArrayList<>();
    try {
      Child first = new Child(dataDir, root.resolve("first.log"));
      ManagedChannel ch = channel(first.signalPort);
      AtomicBoolean killed = new AtomicBoolean();
      Set<String> ackedIds = ConcurrentHashMap.newKeySet();
      CompletableFuture<Void> ingest =
          CompletableFuture.runAsync(
              () -> {
                var stub = SignalServiceGrpc.newBlockingStub(ch);
                while (!killed.get()) {
                  List<UsageEvent> events = batch(200);
                  try {
                    IngestEventsResponse r =
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .ingestEvents(
                                IngestEventsRequest.newBuilder().addAllEvents(events).build());
                    synchronized (acknowledged) {
                      for (EventResult result : r.getResultsList()) {
                        if (result.getOutcome() == EventOutcome.EVENT_OUTCOME_ACCEPTED) {
                          acknowledged.add(events.get(result.getIndex()));
                          ackedIds.add(result.getEventId());
                        }
                      }
                    }
                  } catch (StatusRuntimeException lostWithTheServer) {
                    return;
                  }
                }
              });
      Await.until("some batches acknowledged", () -> ackedIds.size() >= 2_000);
      long postmaster = postmasterPid(dataDir);
      first.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      killed.set(true);
      ingest.get(60, TimeUnit.SECONDS);
      ch.shutdownNow();
      assertTrue(
          ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
          "the drill needs the orphan: PostgreSQL outlives the killed JVM");

      try (Child second = new Child(dataDir, root.resolve("second.log"))) {
        String log = Files.readString(second.log);
        assertTrue(
            log.contains("PostgreSQL (pid " + postmaster + ") still runs on"),
            "the restart says what it did; log: " + second.log);
        ManagedChannel ch2 = channel(second.signalPort);
        try {
          Await.until(
              "signal SERVING after the restart",
              () ->
                  HealthGrpc.newBlockingStub(ch2)
                          .withDeadlineAfter(10, TimeUnit.SECONDS)
                          .check(HealthCheckRequest.getDefaultInstance())
                          .getStatus()
                      == ServingStatus.SERVING);
          var stub = SignalServiceGrpc.newBlockingStub(ch2);
          List<UsageEvent> acked;
          synchronized (acknowledged) {
            acked = List.copyOf(acknowledged);
          }
          for (int i = 0; i < acked.size(); i += 1_000) {
            IngestEventsResponse resend =
                stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .ingestEvents(
                        IngestEventsRequest.newBuilder()
                            .addAllEvents(acked.subList(i, Math.min(acked.size(), i + 1_000)))
                            .build());
            assertEquals(
                resend.getResultsCount(),
                resend.getDuplicateCount(),
                "every acknowledged event is already stored");
          }
          assertEquals(acked.size(), storedFacts(dataDir, ackedIds), "stored exactly once");
        } finally {
          ch2.shutdownNow();
        }
      }
    } finally {
      OrphanedPostmaster.stopIfAny(dataDir);
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Line 1 of postmaster.pid. */
  private static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  /**
   * Rows of signal's fact table for these event ids, read from the running server (line 4: port).
   */
  private static long storedFacts(Path dataDir, Set<String> ids) throws Exception {
    int port =
        Integer.parseInt(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(3).trim());
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        PreparedStatement st =
            c.prepareStatement("SELECT count(*) FROM signal.usage_fact WHERE event_id = ANY (?)")) {
      Array array = c.createArrayOf("text", ids.toArray());
      st.setArray(1, array);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
