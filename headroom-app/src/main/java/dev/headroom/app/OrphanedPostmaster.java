package dev.headroom.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Stops a PostgreSQL server left running on a data directory by a JVM that died without stopping
 * it. Called only while this JVM holds the directory's {@link DataDirectoryLock}, so no live
 * Headroom uses that server.
 *
 * <p>The process named in {@code postmaster.pid} is signalled only after checking that it is a
 * {@code postgres} executable whose command line names this data directory: a PID from an old file
 * may since belong to anything else. It gets SIGTERM (PostgreSQL's smart shutdown; its clients died
 * with the JVM, so their sessions are already gone), which writes a shutdown checkpoint, so the
 * next start needs no crash recovery. A pid file whose process is not such a server is stale and is
 * removed.
 */
final class OrphanedPostmaster {
  private static final Logger LOG = Logger.getLogger(OrphanedPostmaster.class.getName());
  private static final long STOP_TIMEOUT_SECONDS = 120;

  private OrphanedPostmaster() {}

  static void stopIfAny(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException none) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pidFile, e);
    }
    Optional<ProcessHandle> server = postmasterOf(dataDirectory, lines);
    if (server.isEmpty()) {
      LOG.warning(
          () -> "removing stale " + pidFile + ": no PostgreSQL of this data directory runs");
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove stale " + pidFile, e);
      }
      return;
    }
    ProcessHandle p = server.get();
    LOG.warning(
        () ->
            "PostgreSQL (pid "
                + p.pid()
                + ") still runs on "
                + dataDirectory
                + " after its Headroom stopped without stopping it; shutting it down before"
                + " starting again");
    p.destroy();
    try {
      p.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the orphaned PostgreSQL (pid "
              + p.pid()
              + ") on "
              + dataDirectory
              + " did not stop within "
              + STOP_TIMEOUT_SECONDS
              + " s; stop it (kill -INT "
              + p.pid()
              + ") and start again",
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for PostgreSQL pid " + p.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping PostgreSQL " + p.pid(), e);
    }
    LOG.info(() -> "orphaned PostgreSQL (pid " + p.pid() + ") stopped cleanly");
  }

  /** The live postgres process the pid file names, if it really serves this data directory. */
  private static Optional<ProcessHandle> postmasterOf(Path dataDirectory, List<String> pidFile) {
    if (pidFile.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(pidFile.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Path directory = realPath(dataDirectory);
    if (!directory.equals(realPath(Path.of(pidFile.get(1).trim())))) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> servesDirectory(p, directory));
  }

  private static boolean servesDirectory(ProcessHandle p, Path directory) {
    List<String> argv = commandLine(p.pid());
    if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().equals("postgres")) {
      return false;
    }
    int d = argv.indexOf("-D");
    return d >= 0 && d + 1 < argv.size() && directory.equals(realPath(Path.of(argv.get(d + 1))));
  }

  /** The process's arguments from /proc (Linux); empty where that is not available. */
  private static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\u0000"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
