package dev.headroom.plugin;

/** The two asynchronous event streams the client delivers. */
public enum EventStream {
  /** Usage events to signal-service ({@code IngestEvents}). */
  USAGE,
  /** Prompt events (shown, clicked, dismissed, converted) to prompt-service. */
  PROMPT_EVENTS
}
