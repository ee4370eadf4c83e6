package dev.headroom.app.loop;

import dev.headroom.app.HeadroomApp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code headroom-app all} as a separate JVM, the way `./headroom run` starts it: random ports
 * (read from the lines it prints), its output in a log file, nothing shared with the test but TCP.
 * {@link #close()} stops it gracefully (SIGTERM); {@link #kill()} is {@code kill -9}.
 */
public final class AppProcess implements AutoCloseable {
  private static final Pattern ENDPOINT =
      Pattern.compile(
          "^(\\w+)\\s+gRPC 127\\.0\\.0\\.1:(\\d+)\\s+HTTP http://127\\.0\\.0\\.1:(\\d+)/");
  private static final String READY = "Headroom is running";
  private static final List<String> SERVICES = List.of("signal", "scoring", "prompt", "crm");

  /** Where one service of the process listens. */
  public record Ports(int grpc, int http) {}

  private final Process process;
  private final Path log;
  private final Map<String, Ports> ports;

  private AppProcess(Process process, Path log, Map<String, Ports> ports) {
    this.process = process;
    this.log = log;
    this.ports = ports;
  }

  /**
   * What the loop tests configure: a fixed credentials key and paging secret, so that a restarted
   * process reads what the killed one stored, and the CRM asked for closed opportunities every
   * second rather than every five minutes.
   */
  public static Map<String, String> loopEnv() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String encoded = Base64.getEncoder().encodeToString(key);
    return Map.of(
        "HEADROOM_CRM_SECRETS_KEYS",
        "loop:" + encoded,
        "HEADROOM_CRM_SECRETS_ACTIVE_KEY",
        "loop",
        "HEADROOM_PAGING_SECRET",
        encoded,
        "HEADROOM_CRM_SYNC_OUTCOME_POLL_INTERVAL",
        "1s");
  }

  /** {@link #loopEnv()} with the platform's data kept in {@code dataDir}, for a kill drill. */
  public static Map<String, String> loopEnv(Path dataDir) {
    Map<String, String> env = new HashMap<>(loopEnv());
    env.put("HEADROOM_DATA_DIR", dataDir.toString());
    return Map.copyOf(env);
  }

  /**
   * A new directory under {@code java.io.tmpdir} (inside target/ in the build) for logs and data.
   */
  public static Path scratch(String name) throws IOException {
    return Files.createDirectories(
        Path.of(System.getProperty("java.io.tmpdir"), name + "-" + UUID.randomUUID()));
  }

  /**
   * Starts the platform with only {@code env} as its HEADROOM_ configuration (the caller's own
   * HEADROOM_ variables are not inherited) and returns once it prints that it is running.
   */
  public static AppProcess start(Map<String, String> env, Path log) throws Exception {
    ProcessBuilder pb = java("-Xmx512m", HeadroomApp.class, List.of("all"), env);
    Process process = pb.start();
    try {
      return new AppProcess(process, log, awaitReady(process, log));
    } catch (Exception e) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * A JVM that runs {@code main} with this JVM's class path and only {@code env} as its HEADROOM_
   * configuration (the caller's own HEADROOM_ variables are not inherited), its services on random
   * ports of 127.0.0.1, its errors in its output.
   */
  public static ProcessBuilder java(
      String maxHeap, Class<?> main, List<String> args, Map<String, String> env) {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                maxHeap,
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADROOM_"));
    pb.environment().put("HEADROOM_GRPC_PORT", "0");
    pb.environment().put("HEADROOM_HTTP_PORT", "0");
    pb.environment().put("HEADROOM_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    return pb;
  }

  /** Copies the output to the log file and returns the printed ports once the platform is up. */
  private static Map<String, Ports> awaitReady(Process process, Path log) throws Exception {
    CompletableFuture<Map<String, Ports>> ready = new CompletableFuture<>();
    Map<String, Ports> found = new HashMap<>();
    copyOutput(
        process,
        log,
        line -> {
          Matcher m = ENDPOINT.matcher(line);
          if (m.find()) {
            found.put(
                m.group(1), new Ports(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
          }
          if (line.startsWith(READY) && found.keySet().containsAll(SERVICES)) {
            ready.complete(Map.copyOf(found));
          }
        },
        ended ->
            ready.completeExceptionally(
                ended != null
                    ? ended
                    : new IllegalStateException(
                        "the platform exited before it was ready; see " + log)));
    // A hang guard, not a timing assertion: a platform that never comes up fails here.
    return ready.get(5, TimeUnit.MINUTES);
  }

  /**
   * Copies a process's output line by line to {@code log} on a thread of its own, handing each line
   * to {@code eachLine}; {@code ended} gets null when the output ends, or the failure to read it.
   */
  public static void copyOutput(
      Process process, Path log, Consumer<String> eachLine, Consumer<IOException> ended) {
    Thread copier =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  var out = Files.newBufferedWriter(log)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  eachLine.accept(line);
                }
              } catch (IOException e) {
                ended.accept(e);
                return;
              }
              ended.accept(null);
            },
            "app-output");
    copier.setDaemon(true);
    copier.start();
  }

  public Ports ports(String service) {
    return ports.get(service);
  }

  /** A plaintext channel to a service's gRPC port on 127.0.0.1. */
  public ManagedChannel channel(String service) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", ports(service).grpc())
        .usePlaintext()
        .build();
  }

  public Path log() {
    return log;
  }

  /** {@code kill -9}: nothing in the process runs another instruction. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
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
