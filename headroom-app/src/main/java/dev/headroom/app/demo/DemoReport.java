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
    Prompts prompts,
    Crm crm,
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
      long promptPurchases,
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

  /**
   * The prompt step as the host's plugin counted it.
   *
   * @param asked gets the host made
   * @param offers gets that returned an offer (an exposure each)
   * @param noPromptByReason gets without an offer, by the plugin's reason
   * @param eventsReported prompt events the host reported through the plugin
   * @param eventsDelivered of those, stored by prompt-service
   */
  record Prompts(
      long asked,
      long offers,
      Map<String, Long> noPromptByReason,
      long eventsReported,
      long eventsDelivered,
      long eventsRejected,
      long eventsUndelivered,
      List<FunnelRow> funnel,
      ExperimentTable experiment) {}

  /**
   * The prompt funnel of one campaign and variant (variant empty outside an experiment): offers
   * returned (exposed), seen, followed, closed and bought, and the distinct accounts exposed.
   */
  record FunnelRow(
      String campaignId,
      String trigger,
      String variant,
      long units,
      long exposed,
      long shown,
      long clicked,
      long dismissed,
      long converted,
      long revenueMinor) {}

  /** {@code GetExperimentResults} of the experiment: one row per arm, SRM over all arms. */
  record ExperimentTable(
      String experimentId,
      String campaignId,
      double srmPValue,
      boolean srmMismatch,
      List<ArmResult> arms) {}

  /**
   * One arm; the comparison with control (relative lift of the conversion rate, its 95% interval,
   * two-sided p-value, chance to beat control) is null for the control and when {@code
   * cannotCompare} names why.
   */
  record ArmResult(
      String arm,
      String role,
      long units,
      long conversions,
      Double conversionRate,
      Double revenuePerUnitMinor,
      Double relativeLift,
      Double liftLow,
      Double liftHigh,
      Double pValue,
      Double chanceToBeatControl,
      boolean minimumDataWarning,
      String cannotCompare) {}

  /**
   * The CRM sync summary: what the stand-in CRM holds and what crm-connector logged.
   *
   * @param accountRecords Account records in the CRM
   * @param recordWrites record writes the CRM accepted in the sync runs crm-connector still keeps
   *     ({@code ListSyncRuns}; runs are kept 14 days)
   * @param opportunities expansion opportunities in the CRM, by stage below
   * @param tasks tasks in the CRM
   * @param retries records the CRM refused once and that were sent again ({@code ListSyncRecords})
   * @param rateLimited responses that asked the connector to slow down
   * @param deadLetters records given up after the last attempt
   * @param outcomesBack outcomes from the CRM in scoring-service ({@code ListOutcomes})
   */
  record Crm(
      long accountRecords,
      long recordWrites,
      long opportunities,
      long open,
      long won,
      long lost,
      long tasks,
      long retries,
      long rateLimited,
      long deadLetters,
      long outcomesBack) {}

  /** A part of the report whose service is not part of this run, and what that means. */
  record NotRunning(String section, String reason) {}
}
