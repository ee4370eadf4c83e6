package dev.headroom.crm.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.Amounts;
import dev.headroom.crm.domain.SignalLine;
import dev.headroom.crm.domain.SourceField;

/**
 * The Slack-compatible message a SEND_ALERT posts: {@code text} (the notification and the fallback
 * for clients without blocks) and {@code blocks} with the account, score, band, type, ARR
 * potential, the evidence and a button to the CRM record. Texts are kept within Slack's block
 * limits (header 150, field 2000, section 3000 characters) and escaped for its mrkdwn.
 */
public final class AlertMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertMessage() {}

  public static ObjectNode of(AccountValues v, String ruleName, String recordUrl) {
    String band = SourceField.READINESS_BAND.defaultLabels().getOrDefault(v.band(), v.band());
    String type =
        v.primaryType().isEmpty()
            ? "none"
            : SourceField.EXPANSION_TYPE
                .defaultLabels()
                .getOrDefault(v.primaryType(), v.primaryType());
    String arr =
        v.primaryType().isEmpty() ? "none" : Amounts.display(v.currency(), v.arrPotentialMinor());
    ObjectNode message = JSON.createObjectNode();
    message.put(
        "text",
        "Expansion alert: "
            + v.accountId()
            + " is "
            + band
            + " (score "
            + v.score()
            + "), "
            + type
            + ", ARR potential "
            + arr);
    ArrayNode blocks = message.putArray("blocks");
    blocks
        .addObject()
        .put("type", "header")
        .putObject("text")
        .put("type", "plain_text")
        .put("text", cut("Expansion alert: " + v.accountId(), 150));
    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    field(fields, "Account", v.accountId());
    field(fields, "Score", Integer.toString(v.score()));
    field(fields, "Band", band);
    field(fields, "Type", type);
    field(fields, "ARR potential", arr);
    field(fields, "Rule", ruleName);
    StringBuilder evidence = new StringBuilder("*Evidence*");
    if (v.signals().isEmpty()) {
      evidence.append("\nNo active signal.");
    }
    for (SignalLine s : v.signals()) {
      evidence.append("\n• ").append(s.type()).append(": ").append(s.evidence());
    }
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", cut(escape(evidence.toString()), 3000));
    if (!recordUrl.isEmpty()) {
      ObjectNode button =
          blocks.addObject().put("type", "actions").putArray("elements").addObject();
      button.put("type", "button").put("url", recordUrl).put("action_id", "open_crm_record");
      button.putObject("text").put("type", "plain_text").put("text", "Open in CRM");
    }
    return message;
  }

  private static void field(ArrayNode fields, String name, String value) {
    fields
        .addObject()
        .put("type", "mrkdwn")
        .put("text", cut("*" + name + "*\n" + escape(value), 2000));
  }

  /** Slack mrkdwn treats these three as control characters. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
