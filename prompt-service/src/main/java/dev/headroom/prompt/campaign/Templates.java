package dev.headroom.prompt.campaign;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** Fills in the copy variables; values are plain text. */
  public static String renderCopy(String template, Map<String, String> values) {
    return render(template, values, UnaryOperator.identity());
  }

  /**
   * Fills in the URL variables, each percent-encoded as a URL component (a space is %20, never +).
   */
  public static String renderUrl(String template, Map<String, String> values) {
    return render(
        template, values, v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  private static String render(
      String template, Map<String, String> values, UnaryOperator<String> encode) {
    Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 32);
    while (m.find()) {
      String value = values.getOrDefault(m.group(1), "");
      m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(value)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
