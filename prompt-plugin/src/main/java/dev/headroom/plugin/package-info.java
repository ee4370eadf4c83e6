/**
 * What the host product embeds to ask for prompts: a Java client of {@code PromptService.GetPrompt}
 * with a short deadline, a local cache and fail-open behaviour (no answer in time means no prompt,
 * never an error in the host), asynchronous batched reporting of prompt events, and a small web
 * component that renders a prompt. Filled by the prompt issue; until then this module only builds.
 */
package dev.headroom.plugin;
