package dev.headroom.crm.domain;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * The text an expansion opportunity carries for sales: the account's current state, what is
 * possible, the return, and the risk of doing nothing, all from the evidence behind the score.
 */
public final class UsageNarrative {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private UsageNarrative() {}

  public static String of(AccountValues v) {
    String band = SourceField.READINESS_BAND.defaultLabels().getOrDefault(v.band(), v.band());
    StringBuilder text = new StringBuilder();
    text.append("Current state: readiness score ")
        .append(v.score())
        .append(" of 100 (")
        .append(band)
        .append(").");
    if (v.signals().isEmpty()) {
      text.append(" No active expansion signal.");
    } else {
      text.append(" Active signals: ")
          .append(
              v.signals().stream()
                  .map(s -> s.evidence() + " (since " + DATE.format(s.since()) + ")")
                  .collect(Collectors.joining("; ")))
          .append('.');
    }
    if (!v.primaryType().isEmpty()) {
      String type = SourceField.EXPANSION_TYPE.defaultLabels().get(v.primaryType());
      String arr = Amounts.display(v.currency(), v.arrPotentialMinor());
      text.append("\nWhat is possible: ")
          .append(type == null ? v.primaryType() : type)
          .append(", worth ")
          .append(arr)
          .append(" in annual recurring revenue");
      if ("SEAT_ADD".equals(v.primaryType())) {
        text.append(" (").append(v.recommendedSeats()).append(" more seats)");
      }
      text.append(".\nROI: the customer already uses what this expansion sells; ")
          .append(arr)
          .append(" a year for capacity they are running into now.")
          .append("\nRisk of inaction: teams at their limit work around it or stall, and the")
          .append(" moment passes once these signals resolve.");
    }
    if (v.immediateReview()) {
      text.append("\nFlagged for immediate review: several signals became active within days.");
    }
    return text.toString();
  }
}
