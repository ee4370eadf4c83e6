package dev.headroom.app.demo;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.ListOutcomesResponse;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.PerformanceGrouping;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.SignalPerformance;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.ListAccountSignalsResponse;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads the report's numbers from the services' public APIs. */
final class ReportReader {
  static final int TOP_ACCOUNTS = 10;

  private final SignalServiceBlockingStub signal;
  private final ScoringServiceBlockingStub scoring;

  ReportReader(SignalServiceBlockingStub signal, ScoringServiceBlockingStub scoring) {
    this.signal = signal;
    this.scoring = scoring;
  }

  /**
   * The top expansion-ready accounts: {@code ListScores} over the READY and URGENT bands, highest
   * score first.
   */
  List<DemoReport.TopAccount> topAccounts(Map<String, String> names) {
    ListScoresResponse top =
        scoring.listScores(
            ListScoresRequest.newBuilder()
                .addBands(ReadinessBand.READINESS_BAND_READY)
                .addBands(ReadinessBand.READINESS_BAND_URGENT)
                .setPageSize(TOP_ACCOUNTS)
                .build());
    List<DemoReport.TopAccount> rows = new ArrayList<>();
    for (Score s : top.getScoresList()) {
      rows.add(
          new DemoReport.TopAccount(
              s.getAccountId(),
              names.getOrDefault(s.getAccountId(), s.getAccountId()),
              s.getScore(),
              name(s.getBand().name(), "READINESS_BAND_"),
              name(s.getPrimaryType().name(), "EXPANSION_TYPE_"),
              name(s.getMotion().name(), "RECOMMENDED_MOTION_"),
              s.getArrPotential().getMinorUnits(),
              s.getArrPotential().getCurrencyCode(),
              evidence(s)));
    }
    return rows;
  }

  /** Accounts per band over every score. */
  Map<String, Integer> accountsByBand() {
    Map<String, Integer> bands = new TreeMap<>();
    for (Score s : ScorePages.all(scoring, ListScoresRequest.newBuilder())) {
      bands.merge(name(s.getBand().name(), "READINESS_BAND_"), 1, Integer::sum);
    }
    return bands;
  }

  /** Signal occurrences per type over {@code accountIds}, current and history. */
  List<DemoReport.SignalCount> signalsByType(List<String> accountIds) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Set<String>> accountsPerType = new TreeMap<>();
    for (String id : accountIds) {
      List<ListAccountSignalsResponse> pages =
          Pages.all(
              token ->
                  signal.listAccountSignals(
                      ListAccountSignalsRequest.newBuilder()
                          .setAccountId(id)
                          .setIncludeHistory(true)
                          .setPageSize(500)
                          .setPageToken(token)
                          .build()),
              ListAccountSignalsResponse::getNextPageToken);
      for (Signal s : pages.get(0).getCurrentList()) {
        long[] c = counts.computeIfAbsent(type(s), k -> new long[4]);
        switch (s.getStatus()) {
          case SIGNAL_STATUS_ACTIVE -> c[1]++;
          case SIGNAL_STATUS_SUPPRESSED -> c[2]++;
          case SIGNAL_STATUS_PENDING -> c[3]++;
          default -> {}
        }
        if (s.getStatus() != SignalStatus.SIGNAL_STATUS_PENDING) {
          c[0]++;
          accountsPerType.computeIfAbsent(type(s), k -> new HashSet<>()).add(id);
        }
      }
      for (ListAccountSignalsResponse page : pages) {
        for (Signal s : page.getHistoryList()) {
          if (fired(s)) {
            counts.computeIfAbsent(type(s), k -> new long[4])[0]++;
            accountsPerType.computeIfAbsent(type(s), k -> new HashSet<>()).add(id);
          }
        }
      }
    }
    List<DemoReport.SignalCount> rows = new ArrayList<>();
    counts.forEach(
        (type, c) ->
            rows.add(
                new DemoReport.SignalCount(
                    type,
                    c[0],
                    accountsPerType.getOrDefault(type, Set.of()).size(),
                    c[1],
                    c[2],
                    c[3])));
    return rows;
  }

  /**
   * A resolved occurrence fired when it was active before it resolved; a sustained signal that
   * resolved while pending never fired.
   */
  private static boolean fired(Signal s) {
    return !s.hasResolvedAt() || !instant(s.getResolvedAt()).isBefore(instant(s.getSince()));
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static String type(Signal s) {
    return name(s.getType().name(), "SIGNAL_TYPE_");
  }

  /** {@code GetSignalPerformance} per signal type over all time. */
  List<DemoReport.Performance> signalPerformance() {
    List<DemoReport.Performance> rows = new ArrayList<>();
    for (SignalPerformance p :
        scoring
            .getSignalPerformance(
                GetSignalPerformanceRequest.newBuilder()
                    .setGrouping(PerformanceGrouping.PERFORMANCE_GROUPING_SIGNAL_TYPE)
                    .build())
            .getRowsList()) {
      rows.add(
          new DemoReport.Performance(
              name(p.getSignalType().name(), "SIGNAL_TYPE_"),
              p.getFired(),
              p.getConverted(),
              p.getConversionRate(),
              p.getConversionRateLow(),
              p.getConversionRateHigh(),
              p.getMedianDaysToExpansion(),
              p.getAverageArrDelta().getMinorUnits()));
    }
    return rows;
  }

  /** Every outcome {@code ListOutcomes} holds, summed. */
  DemoReport.Outcomes outcomes() {
    return outcomes(scoring);
  }

  /** Every outcome {@code ListOutcomes} holds, summed. */
  static DemoReport.Outcomes outcomes(ScoringServiceBlockingStub scoring) {
    long recorded = 0;
    long won = 0;
    long lost = 0;
    long wonArr = 0;
    Map<String, Long> wonByType = new TreeMap<>();
    Map<String, Long> bySource = new TreeMap<>();
    for (ListOutcomesResponse page :
        Pages.all(
            token ->
                scoring.listOutcomes(
                    ListOutcomesRequest.newBuilder().setPageSize(1000).setPageToken(token).build()),
            ListOutcomesResponse::getNextPageToken)) {
      for (Outcome o : page.getOutcomesList()) {
        recorded++;
        bySource.merge(name(o.getSource().name(), "OUTCOME_SOURCE_"), 1L, Long::sum);
        if (o.getResult() == OutcomeResult.OUTCOME_RESULT_WON) {
          won++;
          wonArr += o.getArrDelta().getMinorUnits();
          wonByType.merge(name(o.getExpansionType().name(), "EXPANSION_TYPE_"), 1L, Long::sum);
        } else {
          lost++;
        }
      }
    }
    return new DemoReport.Outcomes(recorded, won, lost, wonArr, wonByType, bySource);
  }

  /**
   * The evidence of the account's active signals in one sentence: each signal with the first
   * comparison it was decided on.
   */
  static String evidence(Score s) {
    List<String> parts = new ArrayList<>();
    for (Signal signal : s.getSignalsList()) {
      if (signal.getStatus() != SignalStatus.SIGNAL_STATUS_ACTIVE) {
        continue;
      }
      String detail = "";
      for (EvidenceItem e : signal.getEvidenceList()) {
        if (!e.getThreshold().isEmpty()) {
          detail = e.getDescription();
          break;
        }
      }
      String label = type(signal).toLowerCase(Locale.ROOT).replace('_', ' ');
      parts.add(detail.isEmpty() ? label : label + " (" + detail + ")");
    }
    return parts.isEmpty() ? "no active signal" : String.join("; ", parts) + ".";
  }

  static String name(String enumName, String prefix) {
    return enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
  }
}
