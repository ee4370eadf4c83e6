package dev.headroom.prompt.campaign;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {variable}} templates: copy and CTA URLs name only known variables (checked when a
 * campaign is written, so nothing is ever rendered raw), and rendering fills them in.
 */
public final class Templates {
  private Templates() {}

  /** Variables of prompt copy. */
  public static final Set<String> COPY_VARIABLES =
      Set.of(
          "seats_used",
          "seats_purchased",
          "utilization_pct",
          "feature_name",
          "target_plan",
          "users_added_quarter",
          "recommended_seats");

  /** Variables of a CTA URL template; their values are URL-encoded. */
  public static final Set<String> URL_VARIABLES =
      Set.of("account_id", "plan_key", "seats", "campaign_id", "variant_key");

  private static final Pattern VARIABLE = Pattern.compile("\\{([^{}]*)}");

  /**
   * A template cut into its text and variables once: the same few campaign templates are rendered
   * on every prompt served. Bounded like {@link Locales}' cache; beyond it a template is parsed per
   * use.
   */
  private static final int PARSED_CACHE_LIMIT = 4096;

  private static final ConcurrentHashMap<String, Parsed> PARSED = new ConcurrentHashMap<>();

  /** {@code literals[i]} precedes {@code variables[i]}; the last literal follows the last one. */
  private record Parsed(List<String> literals, List<String> variables) {}

  /** The variables a template names that are not in {@code known}. */
  public static List<String> unknownVariables(String template, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    Matcher m = VARIABLE.matcher(template);
    while (m.find()) {
      if (!known.contains(m.group(1))) {
        unknown.add(m.group(1));
      }
    }
    return unknown;
  }

  /**
   * Fills in the copy variables; values are plain text. {@code valueOf} gives a variable's value,
   * null for none (rendered empty); it is asked only for the variables the template names.
   */
  public static String renderCopy(String template, Function<String, String> valueOf) {
    return render(template, valueOf, UnaryOperator.identity());
  }

  /**
   * Fills in the URL variables, each percent-encoded as a URL component (a space is %20, never +).
   */
  public static String renderUrl(String template, Function<String, String> valueOf) {
    return render(
        template, valueOf, v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  private static String render(
      String template, Function<String, String> valueOf, UnaryOperator<String> encode) {
    Parsed parsed = parsed(template);
    List<String> literals = parsed.literals();
    List<String> variables = parsed.variables();
    StringBuilder out = new StringBuilder(template.length() + 32).append(literals.get(0));
    for (int i = 0; i < variables.size(); i++) {
      String value = valueOf.apply(variables.get(i));
      out.append(encode.apply(value == null ? "" : value)).append(literals.get(i + 1));
    }
    return out.toString();
  }

  private static Parsed parsed(String template) {
    Parsed known = PARSED.get(template);
    if (known != null) {
      return known;
    }
    Parsed parsed = parse(template);
    if (PARSED.size() < PARSED_CACHE_LIMIT) {
      PARSED.putIfAbsent(template, parsed);
    }
    return parsed;
  }

  /** The same cuts as {@link #VARIABLE}: a variable is '{', no braces, '}'. */
  private static Parsed parse(String template) {
    List<String> literals = new ArrayList<>();
    List<String> variables = new ArrayList<>();
    Matcher m = VARIABLE.matcher(template);
    int textStart = 0;
    while (m.find()) {
      literals.add(template.substring(textStart, m.start()));
      variables.add(m.group(1));
      textStart = m.end();
    }
    literals.add(template.substring(textStart));
    return new Parsed(List.copyOf(literals), List.copyOf(variables));
  }
}
