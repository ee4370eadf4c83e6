package dev.headroom.crm.consume;

import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.SignalLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A scoring-service Score reduced to the values a CRM mapping can write. */
public final class ScoreValues {
  private ScoreValues() {}

  public static AccountValues from(Score s) {
    List<SignalLine> signals = new ArrayList<>();
    Instant last = null;
    for (Signal sig : s.getSignalsList()) {
      if (sig.getStatus() != SignalStatus.SIGNAL_STATUS_ACTIVE) {
        continue;
      }
      Instant since = Instant.ofEpochSecond(sig.getSince().getSeconds(), sig.getSince().getNanos());
      if (last == null || since.isAfter(last)) {
        last = since;
      }
      if (sig.getType() == SignalType.SIGNAL_TYPE_MULTI_SIGNAL) {
        continue;
      }
      String evidence =
          sig.getEvidenceList().stream()
              .map(EvidenceItem::getDescription)
              .filter(d -> !d.isEmpty())
              .collect(Collectors.joining("; "));
      signals.add(new SignalLine(strip(sig.getType().name(), "SIGNAL_TYPE_"), since, evidence));
    }
    String primary = strip(s.getPrimaryType().name(), "EXPANSION_TYPE_");
    String motion = strip(s.getMotion().name(), "RECOMMENDED_MOTION_");
    return new AccountValues(
        s.getAccountId(),
        s.getScore(),
        strip(s.getBand().name(), "READINESS_BAND_"),
        primary.equals("UNSPECIFIED") ? "" : primary,
        s.getTypesList().stream()
            .map(TypePotential::getType)
            .map(t -> strip(t.name(), "EXPANSION_TYPE_"))
            .toList(),
        signals,
        motion.equals("UNSPECIFIED") ? "NONE" : motion,
        s.getOwner(),
        s.getArrPotential().getCurrencyCode(),
        s.getArrPotential().getMinorUnits(),
        s.getRecommendedSeats(),
        last,
        s.getImmediateReview());
  }

  private static String strip(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }
}
