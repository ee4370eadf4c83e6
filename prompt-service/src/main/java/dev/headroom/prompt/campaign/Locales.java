package dev.headroom.prompt.campaign;

import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** BCP 47 tags in canonical form, and the copy fallback chain {@code de-AT → de → default}. */
public final class Locales {
  private Locales() {}

  /** The canonical form of a well-formed tag ("de-at" → "de-AT"); empty when it is not one. */
  public static Optional<String> canonical(String tag) {
    if (tag == null || tag.isBlank()) {
      return Optional.empty();
    }
    try {
      Locale locale = new Locale.Builder().setLanguageTag(tag.trim()).build();
      String canonical = locale.toLanguageTag();
      return canonical.equals("und") ? Optional.empty() : Optional.of(canonical);
    } catch (IllformedLocaleException e) {
      return Optional.empty();
    }
  }

  /**
   * The tags to try for a requested locale, most specific first: each shorter prefix down to the
   * language, then the default.
   */
  public static List<String> fallbackChain(String requested, String defaultLocale) {
    List<String> chain = new ArrayList<>();
    canonical(requested)
        .ifPresent(
            tag -> {
              String t = tag;
              while (true) {
                chain.add(t);
                int dash = t.lastIndexOf('-');
                if (dash < 0) {
                  break;
                }
                t = t.substring(0, dash);
              }
            });
    if (!chain.contains(defaultLocale)) {
      chain.add(defaultLocale);
    }
    return chain;
  }
}
