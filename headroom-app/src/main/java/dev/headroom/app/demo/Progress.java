package dev.headroom.app.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The demo's progress on stderr: one line that redraws itself on a terminal, or a plain line every
 * tenth of the run when the output goes to a file or a pipe (where redrawing would leave garbage).
 */
final class Progress {
  private static final int BAR = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final int totalDays;
  private final long startNanos = System.nanoTime();
  private int lastTenth = -1;

  Progress(PrintStream out, boolean terminal, int totalDays) {
    this.out = out;
    this.terminal = terminal;
    this.totalDays = totalDays;
  }

  /** {@code daysDone} of the simulated days are through; {@code detail} says what happened. */
  void update(int daysDone, String detail) {
    int filled = BAR * daysDone / totalDays;
    String line =
        String.format(
            Locale.ROOT,
            "day %3d/%d [%s%s] %s  %ds",
            daysDone,
            totalDays,
            "#".repeat(filled),
            ".".repeat(BAR - filled),
            detail,
            (System.nanoTime() - startNanos) / 1_000_000_000L);
    if (terminal) {
      out.print("\r\033[2K" + line);
      out.flush();
      return;
    }
    int tenth = 10 * daysDone / totalDays;
    if (tenth != lastTenth) {
      lastTenth = tenth;
      out.println(line);
    }
  }

  /** A step outside the simulated days (setup, settling, the report). */
  void note(String message) {
    if (terminal) {
      out.print("\r\033[2K");
    }
    out.println(message);
  }

  /** Ends the redrawn line so the next output starts on its own line. */
  void finish() {
    if (terminal) {
      out.println();
    }
  }
}
