package dev.headroom.prompt.campaign;

import java.time.Duration;

/** At most {@code maxImpressions} per user in any window of length {@code per}. */
public record FrequencyCap(int maxImpressions, Duration per) {}
