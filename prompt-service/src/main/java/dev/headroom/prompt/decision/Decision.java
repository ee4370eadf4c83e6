package dev.headroom.prompt.decision;

/** The answer of GetPrompt: a prompt or a reason for none, always with a decision id. */
public sealed interface Decision {
  String decisionId();

  record Shown(String decisionId, RenderedPrompt prompt) implements Decision {}

  record NoPrompt(String decisionId, NoPromptReason reason) implements Decision {}
}
