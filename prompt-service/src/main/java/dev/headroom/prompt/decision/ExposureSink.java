package dev.headroom.prompt.decision;

import dev.headroom.prompt.exposure.Exposure;

/** Where decisions log their exposures; refuses (false) when it cannot take more. */
@FunctionalInterface
public interface ExposureSink {
  boolean offer(Exposure exposure);
}
