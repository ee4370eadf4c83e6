package dev.headroom.prompt.decision;

/** Where decisions log their exposures; refuses (false) when it cannot take more. */
@FunctionalInterface
public interface ExposureSink {
  boolean offer(Exposure exposure);
}
