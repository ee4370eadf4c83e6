package dev.headroom.app.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the report for the terminal, as Markdown and as JSON. */
final class ReportWriter {
  /** How a table is drawn. */
  enum Style {
    TERMINAL,
    MARKDOWN
  }

  private ReportWriter() {}

  /** Writes {@code report.md} and {@code report.json} into {@code folder} (created if needed). */
  static void writeFiles(DemoReport report, Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("report.md"), render(report, Style.MARKDOWN), StandardCharsets.UTF_8);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(folder.resolve("report.json").toFile(), report);
  }

  static String render(DemoReport r, Style style) {
    StringBuilder out = new StringBuilder();
    heading(out, style, 1, "Headroom demo report");
    out.append(
        String.format(
            Locale.ROOT,
            "%,d accounts, %d simulated days (%s to %s), seed %d. %,d usage events sent"
                + " (%,d accepted, %,d duplicates, %,d rejected), %,d signal state changes,"
                + " in %.1f s.%n%n",
            r.options().accounts(),
            r.options().days(),
            r.simulatedFrom(),
            r.simulatedUntil(),
            r.options().seed(),
            r.run().eventsSent(),
            r.run().eventsAccepted(),
            r.run().eventsDuplicate(),
            r.run().eventsRejected(),
            r.run().signalStateChanges(),
            r.run().seconds()));
    table(
        out,
        style,
        "Where the time went",
        List.of("step", "seconds"),
        rows(r.run().secondsByStep()));
    table(
        out,
        style,
        "Accounts by persona",
        List.of("persona", "accounts"),
        rows(r.accountsByPersona()));
    table(
        out,
        style,
        "Accounts by readiness band (ListScores)",
        List.of("band", "accounts"),
        rows(r.accountsByBand()));

    List<List<String>> top = new ArrayList<>();
    for (DemoReport.TopAccount a : r.topAccounts()) {
      top.add(
          List.of(
              a.name(),
              Integer.toString(a.score()),
              a.band(),
              a.primaryType(),
              a.motion(),
              money(a.arrPotentialMinor(), a.currency()),
              a.evidence()));
    }
    table(
        out,
        style,
        "Top expansion-ready accounts (ListScores, READY and URGENT)",
        List.of("account", "score", "band", "type", "motion", "ARR potential", "evidence"),
        top);

    List<List<String>> signals = new ArrayList<>();
    for (DemoReport.SignalCount s : r.signalsByType()) {
      signals.add(
          List.of(
              s.signalType(),
              Long.toString(s.fired()),
              Long.toString(s.accounts()),
              Long.toString(s.activeNow()),
              Long.toString(s.suppressedNow()),
              Long.toString(s.pendingNow())));
    }
    table(
        out,
        style,
        "Signals fired by type (ListAccountSignals)",
        List.of("signal", "fired", "accounts", "active now", "suppressed now", "pending now"),
        signals);

    DemoReport.Outcomes o = r.outcomes();
    heading(out, style, 2, "Outcomes (ListOutcomes)");
    out.append(
        String.format(
            Locale.ROOT,
            "%d recorded: %d won (%s ARR), %d lost. Sales deals opened %d, still open %d;"
                + " self-serve purchases %d in the billing page, %d after a prompt.%n%n",
            o.recorded(),
            o.won(),
            money(o.wonArrMinor(), DemoCatalog.CURRENCY),
            o.lost(),
            r.run().dealsOpened(),
            r.run().dealsStillOpen(),
            r.run().selfServePurchases(),
            r.run().promptPurchases()));
    table(out, style, "Won by expansion type", List.of("type", "won"), rows(o.wonByType()));
    table(out, style, "Outcomes by source", List.of("source", "outcomes"), rows(o.bySource()));

    List<List<String>> perf = new ArrayList<>();
    for (DemoReport.Performance p : r.signalPerformance()) {
      perf.add(
          List.of(
              p.signalType(),
              Long.toString(p.fired()),
              Long.toString(p.converted()),
              percent(p.conversionRate()),
              percent(p.conversionRateLow()) + " - " + percent(p.conversionRateHigh()),
              String.format(Locale.ROOT, "%.1f", p.medianDaysToExpansion()),
              money(p.averageArrDeltaMinor(), DemoCatalog.CURRENCY)));
    }
    table(
        out,
        style,
        "Signal performance (GetSignalPerformance, 90-day conversion window)",
        List.of(
            "signal", "fired", "converted", "rate", "95% interval", "median days", "avg ARR delta"),
        perf);

    prompts(out, style, r.prompts());
    if (r.crm() != null) {
      crm(out, style, r.crm());
    }
    for (DemoReport.NotRunning n : r.notRunning()) {
      heading(out, style, 2, n.section());
      out.append(n.reason()).append(".\n\n");
    }
    return out.toString();
  }

  private static void prompts(StringBuilder out, Style style, DemoReport.Prompts p) {
    heading(out, style, 2, "Prompts (through the Java prompt plugin)");
    out.append(
        String.format(
            Locale.ROOT,
            "%,d GetPrompt calls at feature-use moments, %,d offers. %,d prompt events reported"
                + " (%,d stored by prompt-service, %,d rejected, %,d undelivered)."
                + " Purchases after a prompt are applied in the host's billing.%n%n",
            p.asked(),
            p.offers(),
            p.eventsReported(),
            p.eventsDelivered(),
            p.eventsRejected(),
            p.eventsUndelivered()));
    table(
        out, style, "No prompt, by reason", List.of("reason", "gets"), rows(p.noPromptByReason()));
    List<List<String>> funnel = new ArrayList<>();
    for (DemoReport.FunnelRow f : p.funnel()) {
      funnel.add(
          List.of(
              f.campaignId(),
              f.trigger(),
              f.variant().isEmpty() ? "-" : f.variant(),
              Long.toString(f.units()),
              Long.toString(f.exposed()),
              Long.toString(f.shown()),
              Long.toString(f.clicked()),
              Long.toString(f.dismissed()),
              Long.toString(f.converted()),
              money(f.revenueMinor(), DemoCatalog.CURRENCY)));
    }
    table(
        out,
        style,
        "Prompt funnel by campaign and variant",
        List.of(
            "campaign",
            "trigger",
            "variant",
            "accounts",
            "exposed",
            "shown",
            "clicked",
            "dismissed",
            "converted",
            "revenue"),
        funnel);
    DemoReport.ExperimentTable e = p.experiment();
    table(
        out,
        style,
        String.format(
            Locale.ROOT,
            "Experiment results (GetExperimentResults): %s on %s, SRM p = %.3f%s",
            e.experimentId(),
            e.campaignId(),
            e.srmPValue(),
            e.srmMismatch() ? " MISMATCH: the split is broken" : ", no mismatch"),
        List.of(
            "arm",
            "role",
            "accounts",
            "converted",
            "rate",
            "revenue/account",
            "relative lift",
            "95% interval",
            "p-value",
            "chance to beat control"),
        experimentRows(e));
  }

  /** The experiment table's rows, as the report prints them. */
  static List<List<String>> experimentRows(DemoReport.ExperimentTable e) {
    List<List<String>> rows = new ArrayList<>();
    for (DemoReport.ArmResult a : e.arms()) {
      boolean compared = a.relativeLift() != null;
      String noComparison =
          a.cannotCompare().isEmpty() ? "-" : "cannot compare yet: " + a.cannotCompare();
      rows.add(
          List.of(
              a.arm(),
              a.role() + (a.minimumDataWarning() ? " (too little data)" : ""),
              Long.toString(a.units()),
              Long.toString(a.conversions()),
              a.conversionRate() == null ? "-" : percent(a.conversionRate()),
              a.revenuePerUnitMinor() == null
                  ? "-"
                  : money(Math.round(a.revenuePerUnitMinor()), DemoCatalog.CURRENCY),
              compared ? signedPercent(a.relativeLift()) : noComparison,
              compared ? signedPercent(a.liftLow()) + " to " + signedPercent(a.liftHigh()) : "-",
              compared ? String.format(Locale.ROOT, "%.4f", a.pValue()) : "-",
              compared ? percent(a.chanceToBeatControl()) : "-"));
    }
    return rows;
  }

  private static void crm(StringBuilder out, Style style, DemoReport.Crm c) {
    table(
        out,
        style,
        "CRM sync summary (the Salesforce stand-in and crm-connector's sync log)",
        List.of("measure", "count", "read from"),
        List.of(
            List.of("account records in the CRM", Long.toString(c.accountRecords()), "CRM"),
            List.of(
                "record writes accepted (sync runs still kept: 14 days)",
                Long.toString(c.recordWrites()),
                "ListSyncRuns"),
            List.of("opportunities created", Long.toString(c.opportunities()), "CRM"),
            List.of("  open", Long.toString(c.open()), "CRM"),
            List.of("  closed won", Long.toString(c.won()), "CRM"),
            List.of("  closed lost", Long.toString(c.lost()), "CRM"),
            List.of("usage review tasks", Long.toString(c.tasks()), "CRM"),
            List.of("records retried", Long.toString(c.retries()), "ListSyncRecords"),
            List.of("rate-limited responses", Long.toString(c.rateLimited()), "ListSyncRuns"),
            List.of("dead letters", Long.toString(c.deadLetters()), "ListSyncRecords"),
            List.of(
                "closed opportunities back as outcomes",
                Long.toString(c.outcomesBack()),
                "ListOutcomes (source CRM)")));
  }

  private static List<List<String>> rows(Map<String, ? extends Number> counts) {
    List<List<String>> rows = new ArrayList<>();
    counts.forEach((k, v) -> rows.add(List.of(k, v.toString())));
    return rows;
  }

  private static void heading(StringBuilder out, Style style, int level, String title) {
    if (style == Style.MARKDOWN) {
      out.append("#".repeat(level)).append(' ').append(title).append("\n\n");
    } else {
      out.append(title).append('\n').append((level == 1 ? "=" : "-").repeat(title.length()));
      out.append("\n\n");
    }
  }

  private static void table(
      StringBuilder out, Style style, String title, List<String> columns, List<List<String>> rows) {
    heading(out, style, 2, title);
    if (rows.isEmpty()) {
      out.append("(none)\n\n");
      return;
    }
    if (style == Style.MARKDOWN) {
      out.append("| ").append(String.join(" | ", columns)).append(" |\n|");
      out.append(" --- |".repeat(columns.size())).append('\n');
      for (List<String> row : rows) {
        out.append("| ")
            .append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList()))
            .append(" |\n");
      }
      out.append('\n');
      return;
    }
    int[] widths = new int[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = columns.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, columns, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.append('\n');
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      // The last column (often the evidence sentence) is not padded.
      l.append(i == cells.size() - 1 ? cells.get(i) : pad(cells.get(i), widths[i]) + "  ");
    }
    out.append(l.toString().stripTrailing()).append('\n');
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  static String money(long minor, String currency) {
    return String.format(Locale.ROOT, "%s %,.2f", currency, minor / 100.0);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  private static String signedPercent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction);
  }
}
