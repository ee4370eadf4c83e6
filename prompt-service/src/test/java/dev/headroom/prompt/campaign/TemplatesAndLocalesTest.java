package dev.headroom.prompt.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Copy and URL templates, locale tags and the fallback chain. */
class TemplatesAndLocalesTest {

  @Test
  void unknownVariablesAreFoundAndKnownOnesRendered() {
    assertEquals(
        List.of("seats_left", ""),
        Templates.unknownVariables("{seats_used} of {seats_left} {}", Templates.COPY_VARIABLES));
    assertEquals(
        "19 of 20 seats, 95%",
        Templates.renderCopy(
            "{seats_used} of {seats_purchased} seats, {utilization_pct}%",
            Map.of("seats_used", "19", "seats_purchased", "20", "utilization_pct", "95")::get));
  }

  @Test
  void urlValuesArePercentEncodedAndCopyValuesAreNot() {
    Map<String, String> values = Map.of("account_id", "a b&c/d?e=f+g", "plan_key", "pro");
    assertEquals(
        "https://x.example/p/pro?a=a%20b%26c%2Fd%3Fe%3Df%2Bg",
        Templates.renderUrl("https://x.example/p/{plan_key}?a={account_id}", values::get));
    assertEquals("Hi a b&c/d?e=f+g", Templates.renderCopy("Hi {account_id}", values::get));
    assertEquals(
        "https://x.example/?v=%C3%BCber%20%24",
        Templates.renderUrl(
            "https://x.example/?v={variant_key}", Map.of("variant_key", "über $")::get));
  }

  @Test
  void localeTagsAreCanonicalAndFallFromRegionToLanguageToDefault() {
    assertEquals(Optional.of("de-AT"), Locales.canonical("de-at"));
    assertEquals(Optional.of("en"), Locales.canonical(" en "));
    assertEquals(Optional.empty(), Locales.canonical("not a tag!"));
    assertEquals(Optional.empty(), Locales.canonical(""));
    assertEquals(List.of("de-AT", "de", "en"), Locales.fallbackChain("de-AT", "en"));
    assertEquals(
        List.of("zh-Hant-TW", "zh-Hant", "zh", "en"), Locales.fallbackChain("zh-Hant-TW", "en"));
    assertEquals(List.of("en-GB", "en"), Locales.fallbackChain("en-GB", "en"));
    assertEquals(List.of("en"), Locales.fallbackChain("", "en"));
  }
}
