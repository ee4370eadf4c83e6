package dev.headroom.prompt.campaign;

import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** BCP 47 tags in canonical form, and the copy fallback chain {@code de-AT → de → default}. */
public final class Locales {
  /**
   * Canonical forms of the requested tags seen so far: a decision looks up its account's locale on
   * every rendered prompt, and parsing a tag costs more than the rest of the fallback. Accounts use
   * a handful of locales; the bound keeps arbitrary tags from a caller from growing it.
   */
  private static final int CANONICAL_CACHE_LIMIT = 1024;

  private static final ConcurrentHashMap<String, Optional<String>> CANONICAL =
      new ConcurrentHashMap<>();

  private Locales() {}

  /** The canonical form of a well-formed tag ("de-at" → "de-AT"); empty when it is not one. */
  public static Optional<String> canonical(String tag) {
    if (tag == null || tag.isBlank()) {
      return Optional.empty();
    }
    Optional<String> known = CANONICAL.get(tag);
    if (known != null) {
      return known;
    }
    Optional<String> parsed = parse(tag);
    if (CANONICAL.size() < CANONICAL_CACHE_LIMIT) {
      CANONICAL.putIfAbsent(tag, parsed);
    }
    return parsed;
  }

  private static Optional<String> parse(String tag) {
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
