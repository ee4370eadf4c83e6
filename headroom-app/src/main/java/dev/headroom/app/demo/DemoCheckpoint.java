package dev.headroom.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * What the demo must know to carry on after its process died, as it stood at the end of the last
 * simulated day it completed: its options, the simulated time, and the host's state that does not
 * follow from the seed (the accounts' plans and people, the revenue team's pipeline, the prompt
 * counts, the outcomes still waiting for their account). Everything the platform holds stays in its
 * database; the host sends the next day again, and the platform takes what it already has as a
 * repeat (event ids, outcome ids, CRM keys).
 *
 * @param from the simulation's first instant (ISO-8601)
 * @param daysDone simulated days completed; the next run starts with this day
 * @param clock the simulated time at the end of the last completed day (ISO-8601)
 * @param pendingOutcomes {@code RecordOutcomeRequest}s scoring-service could not take yet, as
 *     protobuf bytes
 */
record DemoCheckpoint(
    long seed,
    int accounts,
    int days,
    String from,
    int daysDone,
    String clock,
    long signalChanges,
    EventSender.Counts events,
    List<SimulatedAccount.State> accountStates,
    SalesDesk.State sales,
    CrmStep.State crm,
    PromptStep.State prompts,
    List<byte[]> pendingOutcomes) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the demo keeps its checkpoint under a data directory. */
  static Path file(Path dataDir) {
    return dataDir.resolve("demo").resolve("checkpoint.json");
  }

  /** The checkpoint in {@code file}, if the demo left one there. */
  static Optional<DemoCheckpoint> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), DemoCheckpoint.class));
    } catch (IOException e) {
      throw new UncheckedIOException("the demo's checkpoint " + file + " cannot be read", e);
    }
  }

  /**
   * Replaces the checkpoint in {@code file} as one step: written beside it, forced to disk, then
   * renamed over it, so a process killed meanwhile leaves the previous checkpoint whole.
   */
  void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path next = file.resolveSibling(file.getFileName() + ".next");
      try (FileChannel out =
          FileChannel.open(
              next,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap(JSON.writeValueAsBytes(this)));
        out.force(true);
      }
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the demo's checkpoint " + file + " cannot be written", e);
    }
  }
}
