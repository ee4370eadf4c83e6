package dev.headroom.app.demo;

import java.util.List;
import java.util.Map;

/**
 * What the demo found (times as ISO-8601 UTC instants), read back from the services at the end of
 * the simulation: nothing in here is computed by the simulation itself except the counts of what it
 * sent ({@link Run}).
 */
record DemoReport(
    String simulatedFrom,
    String simulatedUntil,
    DemoOptions options,
    Run run,
    Map<String, Integer> accountsByPersona,
    Map<String, Integer> accountsByBand,
    List<TopAccount> topAccounts,
    List<SignalCount> signalsByType,
    List<Performance> signalPerformance,
    Outcomes outcomes,
    List<Section> sections,
    List<NotRunning> notRunning) {

  /** What the simulation sent, how long it took and where that time went (seconds per step). */
  record Run(
      long eventsSent,
      long eventsAccepted,
      long eventsDuplicate,
      long eventsRejected,
      long signalStateChanges,
      int dealsOpened,
      int dealsWon,
      int dealsLost,
      int dealsStillOpen,
      int selfServePurchases,
      double seconds,
      Map<String, Double> secondsByStep) {}

  /** One of the top expansion-ready accounts, as {@code ListScores} ranks them. */
  record TopAccount(
      String accountId,
      String name,
      int score,
      String band,
      String primaryType,
      String motion,
      long arrPotentialMinor,
      String currency,
      String evidence) {}

  /**
   * Signal occurrences of one type over all accounts ({@code ListAccountSignals}, current and
   * history): how many fired (reached ACTIVE or SUPPRESSED) and how many hold now per status.
   */
  record SignalCount(
      String signalType,
      long fired,
      long accounts,
      long activeNow,
      long suppressedNow,
      long pendingNow) {}

  /** One row of {@code GetSignalPerformance}. */
  record Performance(
      String signalType,
      long fired,
      long converted,
      double conversionRate,
      double conversionRateLow,
      double conversionRateHigh,
      double medianDaysToExpansion,
      long averageArrDeltaMinor) {}

  /** Every outcome {@code ListOutcomes} holds. */
  record Outcomes(
      long recorded,
      long won,
      long lost,
      long wonArrMinor,
      Map<String, Long> wonByType,
      Map<String, Long> bySource) {}

  /** A table a future step adds to the report (prompt funnel, experiment results, CRM summary). */
  record Section(String title, List<String> columns, List<List<String>> rows) {}

  /** A part of the report whose service is not part of this build, and what that means. */
  record NotRunning(String section, String reason) {}
}
