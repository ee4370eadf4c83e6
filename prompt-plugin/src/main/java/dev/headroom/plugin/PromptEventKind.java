package dev.headroom.plugin;

/** What the user did with a prompt. */
public enum PromptEventKind {
  /** The prompt was rendered where the user could see it. */
  SHOWN,
  /** The user followed the call to action. */
  CLICKED,
  /** The user closed the prompt; prompt-service starts the cooldown. */
  DISMISSED,
  /** The user bought; carries the revenue. */
  CONVERTED
}
