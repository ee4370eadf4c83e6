package dev.headroom.signal.ingest;

import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Validates one event exactly as docs/signals.md "Events" orders it and reports the first bad
 * field: event_id, account_id, occurred_at, kind, user_id, payload, then the kind's payload fields.
 *
 * <p>Pure: the catalog snapshot and the receipt instant are passed in, so a batch is validated
 * against one consistent catalog and one "now".
 */
public final class EventValidator {
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_KEY_LENGTH = 256;

  /**
   * Quantities above this are certainly a client bug (a double's garbage, a timestamp sent as a
   * count).
   */
  static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000000000000");

  static final Duration MAX_AHEAD = Duration.ofHours(24);

  private static final Set<String> CATEGORIES =
      Set.of("INTEGRATION", "AUTOMATION", "MANUAL_STEPS", "OTHER");
  private static final Set<String> EXTERNAL_TYPES =
      Set.of("FUNDING_ROUND", "HIRING_SURGE", "ACQUISITION");

  /** Either a validated event or the first problem. */
  public sealed interface Outcome permits Valid, Invalid {}

  public record Valid(ValidatedEvent event) implements Outcome {}

  public record Invalid(ItemProblem problem) implements Outcome {}

  private static final String CONTROL_CHARACTERS =
      "must not contain control characters (C0, DEL, C1; U+0000 included)";

  private EventValidator() {}

  /** One pass over the characters, no allocation: ids are on the ingest hot path. */
  private static boolean hasControlCharacter(String id) {
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  public static Outcome validate(int index, IncomingEvent e, Catalog catalog, Instant receivedAt) {
    if (e.decodeProblem() != null && e.decodeProblem().field().isEmpty()) {
      return bad("", e.decodeProblem().description());
    }
    String eventId = e.eventId() == null ? "" : e.eventId();
    if (e.problemAt("event_id") != null) {
      return bad("event_id", e.problemAt("event_id"));
    }
    if (eventId.isBlank()) {
      return bad("event_id", missing("a non-empty idempotency key", eventId));
    }
    if (eventId.length() > MAX_ID_LENGTH) {
      return bad("event_id", "at most " + MAX_ID_LENGTH + " characters, got " + eventId.length());
    }
    if (hasControlCharacter(eventId)) {
      return bad("event_id", CONTROL_CHARACTERS);
    }
    String accountId = e.accountId() == null ? "" : e.accountId();
    if (e.problemAt("account_id") != null) {
      return bad("account_id", e.problemAt("account_id"));
    }
    if (accountId.isBlank()) {
      return bad("account_id", missing("the host's account id", accountId));
    }
    if (accountId.length() > MAX_ID_LENGTH) {
      return bad(
          "account_id", "at most " + MAX_ID_LENGTH + " characters, got " + accountId.length());
    }
    if (hasControlCharacter(accountId)) {
      return bad("account_id", CONTROL_CHARACTERS);
    }
    if (e.occurredAt() == null) {
      String problem = e.problemAt("occurred_at");
      return bad(
          "occurred_at",
          problem != null ? problem : "required: when the event happened (RFC 3339 with offset)");
    }
    if (e.occurredAt().isAfter(receivedAt.plus(MAX_AHEAD))) {
      return bad(
          "occurred_at",
          "more than 24 h after receipt (" + receivedAt + "); check the sender's clock");
    }
    if (e.problemAt("kind") != null) {
      return bad("kind", e.problemAt("kind"));
    }
    EventKind kind = parseKind(e.kind());
    if (kind == null) {
      return bad(
          "kind",
          e.kind() == null || e.kind().isEmpty()
              ? "required: one of " + kindNames()
              : "unknown kind '"
                  + truncate(e.kind())
                  + "': expected exactly one of "
                  + kindNames());
    }
    if (e.problemAt("user_id") != null) {
      return bad("user_id", e.problemAt("user_id"));
    }
    String userId = e.userId();
    if (userId != null && userId.isEmpty()) {
      return bad("user_id", "must be non-empty when present");
    }
    if (userId != null && userId.isBlank()) {
      return bad(
          "user_id",
          (requiresUser(kind) ? "required for " + kind : "must be non-empty when present")
              + WHITESPACE_ONLY);
    }
    if (userId != null && userId.length() > MAX_ID_LENGTH) {
      return bad("user_id", "at most " + MAX_ID_LENGTH + " characters, got " + userId.length());
    }
    if (userId != null && hasControlCharacter(userId)) {
      return bad("user_id", CONTROL_CHARACTERS);
    }
    if (userId == null && requiresUser(kind)) {
      return bad("user_id", "required for " + kind);
    }
    Map<String, Object> payload;
    if (e.payload() == null) {
      payload = Map.of();
    } else if (e.payload() instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) m;
      payload = p;
    } else {
      return bad("payload", "must be a JSON object");
    }
    if (containsNul(payload)) {
      return bad("payload", "strings must not contain U+0000");
    }

    Role role = null;
    String team = null;
    String key = null;
    BigDecimal quantity = null;
    switch (kind) {
      case USER_ADDED, USER_ROLE_CHANGED, USER_REMOVED -> {
        Object r = payload.get("role");
        if (r == null) {
          if (kind != EventKind.USER_REMOVED) {
            return bad(
                "payload.role", "required for " + kind + ": OWNER, ADMIN, BILLING or MEMBER");
          }
        } else {
          role = parseRole(r);
          if (role == null) {
            return bad(
                "payload.role", "must be one of OWNER, ADMIN, BILLING, MEMBER; got " + show(r));
          }
          if (kind == EventKind.USER_REMOVED) {
            role = null; // removal only ends membership
          }
        }
        Object t = payload.get("team");
        if (t != null) {
          if (!(t instanceof String s) || s.length() > MAX_KEY_LENGTH) {
            return bad(
                "payload.team", "must be a string of at most " + MAX_KEY_LENGTH + " characters");
          }
          team = s.isEmpty() || kind == EventKind.USER_REMOVED ? null : s;
        }
      }
      case USER_ACTIVE -> {}
      case FEATURE_USED, PAYWALL_HIT -> {
        Object f = payload.get("feature_key");
        if (!(f instanceof String s) || s.isEmpty()) {
          return bad("payload.feature_key", "required: a feature key of the catalog");
        }
        if (catalog.feature(s).isEmpty()) {
          return bad(
              "payload.feature_key",
              "unknown feature '" + truncate(s) + "': add it to the catalog first");
        }
        key = s;
      }
      case METER -> {
        Object m = payload.get("meter_key");
        if (!(m instanceof String s) || s.isEmpty()) {
          return bad("payload.meter_key", "required: a meter key of the catalog");
        }
        if (catalog.meter(s).isEmpty()) {
          return bad(
              "payload.meter_key",
              "unknown meter '" + truncate(s) + "': add it to the catalog first");
        }
        key = s;
        Object q = payload.get("quantity");
        if (!(q instanceof Number n)) {
          return bad(
              "payload.quantity",
              q == null
                  ? "required: a finite number >= 0"
                  : "must be a JSON number, not " + typeName(q));
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return bad("payload.quantity", "must be a finite number");
        }
        if (d < 0) {
          return bad(
              "payload.quantity",
              "must be >= 0, got " + BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        }
        quantity = BigDecimal.valueOf(d);
        if (quantity.compareTo(MAX_QUANTITY) > 0) {
          return bad(
              "payload.quantity",
              "implausibly large (more than 10^15); send the increment, not a running total or"
                  + " timestamp");
        }
        // The form PostgreSQL's numeric gives back (no exponent), so a fact is the same object
        // whether it
        // was just validated or read from usage_fact.
        quantity =
            quantity.signum() == 0
                ? BigDecimal.ZERO
                : new BigDecimal(quantity.stripTrailingZeros().toPlainString());
      }
      case WORKFLOW_COMPLETED -> {
        Problem p = requiredString(payload, "workflow_key");
        if (p.problem != null) {
          return new Invalid(p.problem);
        }
        key = p.value;
      }
      case SUPPORT_TICKET -> {
        Object c = payload.get("category");
        if (!(c instanceof String s) || !CATEGORIES.contains(s)) {
          return bad(
              "payload.category",
              "must be one of INTEGRATION, AUTOMATION, MANUAL_STEPS, OTHER; got " + show(c));
        }
        key = s;
      }
      case INTEGRATION_REQUESTED -> {
        Problem p = requiredString(payload, "integration_key");
        if (p.problem != null) {
          return new Invalid(p.problem);
        }
        key = p.value;
      }
      case WORKSPACE_CREATED -> {
        Problem p = requiredString(payload, "team");
        if (p.problem != null) {
          return new Invalid(p.problem);
        }
        team = p.value;
      }
      case EXTERNAL -> {
        Object t = payload.get("type");
        if (!(t instanceof String s) || !EXTERNAL_TYPES.contains(s)) {
          return bad(
              "payload.type",
              "must be one of FUNDING_ROUND, HIRING_SURGE, ACQUISITION; got " + show(t));
        }
        key = s;
      }
      case CUSTOM -> {
        Problem p = requiredString(payload, "name");
        if (p.problem != null) {
          return new Invalid(p.problem);
        }
        key = p.value;
      }
    }
    UsageFact fact =
        new UsageFact(
            eventId, accountId, userId, toMicros(e.occurredAt()), kind, role, team, key, quantity);
    String payloadJson = Json.canonical(payload);
    byte[] hash = contentHash(accountId, userId, kind.name(), payloadJson, e.occurredAt());
    return new Valid(new ValidatedEvent(index, fact, payloadJson, hash));
  }

  private record Problem(String value, ItemProblem problem) {}

  /**
   * The instant as timestamptz stores it: microseconds, rounded half to even like PostgreSQL's
   * input conversion does. Done here so the fact the evaluator caches, the day partition chosen and
   * the stored row agree to the microsecond (the content hash still covers the instant exactly as
   * sent).
   */
  static Instant toMicros(Instant t) {
    int nanos = t.getNano();
    int rem = nanos % 1_000;
    if (rem == 0) {
      return t;
    }
    long micros = nanos / 1_000;
    if (rem > 500 || (rem == 500 && (micros & 1) == 1)) {
      micros++;
    }
    return Instant.ofEpochSecond(t.getEpochSecond(), micros * 1_000);
  }

  private static Problem requiredString(Map<String, Object> payload, String name) {
    Object v = payload.get(name);
    if (!(v instanceof String s) || s.isEmpty()) {
      return new Problem(
          null,
          ItemProblem.invalid(
              "payload." + name,
              v == null
                  ? "required: a non-empty string"
                  : "must be a non-empty string, not " + typeName(v)));
    }
    if (s.length() > MAX_KEY_LENGTH) {
      return new Problem(
          null,
          ItemProblem.invalid("payload." + name, "at most " + MAX_KEY_LENGTH + " characters"));
    }
    return new Problem(s, null);
  }

  /**
   * Identity of an event for idempotency: everything but the id itself, with the payload in
   * canonical form. Stored with every accepted fact, so it must never change for the same event.
   */
  public static byte[] contentHash(
      String accountId, String userId, String kind, String canonicalPayload, Instant at) {
    MessageDigest md = SHA256.get();
    part(md, accountId);
    part(md, userId == null ? "\u0000" : "u" + userId);
    part(md, kind);
    part(md, canonicalPayload);
    part(md, at.getEpochSecond() + "." + at.getNano());
    return md.digest(); // digest() also resets it for the next use on this thread
  }

  /** One digest per thread: {@code MessageDigest.getInstance} costs a provider lookup per call. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException ex) {
              throw new IllegalStateException(ex);
            }
          });

  private static void part(MessageDigest md, String part) {
    byte[] b = part.getBytes(StandardCharsets.UTF_8);
    md.update((byte) (b.length >>> 24));
    md.update((byte) (b.length >>> 16));
    md.update((byte) (b.length >>> 8));
    md.update((byte) b.length);
    md.update(b);
  }

  private static boolean containsNul(Object v) {
    switch (v) {
      case String s -> {
        return s.indexOf('\u0000') >= 0;
      }
      case Map<?, ?> m -> {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (containsNul(String.valueOf(e.getKey())) || containsNul(e.getValue())) {
            return true;
          }
        }
        return false;
      }
      case java.util.List<?> l -> {
        for (Object o : l) {
          if (containsNul(o)) {
            return true;
          }
        }
        return false;
      }
      case null, default -> {
        return false;
      }
    }
  }

  private static boolean requiresUser(EventKind kind) {
    return switch (kind) {
      case USER_ADDED, USER_REMOVED, USER_ROLE_CHANGED, USER_ACTIVE -> true;
      default -> false;
    };
  }

  private static EventKind parseKind(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    for (EventKind k : EventKind.values()) {
      if (k.name().equals(s)) {
        return k;
      }
    }
    return null;
  }

  private static Role parseRole(Object r) {
    if (r instanceof String s) {
      for (Role role : Role.values()) {
        if (role.name().equals(s)) {
          return role;
        }
      }
    }
    return null;
  }

  private static String kindNames() {
    StringBuilder sb = new StringBuilder();
    for (EventKind k : EventKind.values()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(k.name());
    }
    return sb.toString();
  }

  private static final String WHITESPACE_ONLY = " (whitespace only counts as missing)";

  /** "required: what", saying why when something made only of whitespace was sent. */
  private static String missing(String what, String sent) {
    return "required: " + what + (sent.isEmpty() ? "" : WHITESPACE_ONLY);
  }

  private static Invalid bad(String field, String description) {
    return new Invalid(ItemProblem.invalid(field, description));
  }

  private static String typeName(Object v) {
    return switch (v) {
      case String s -> "a string";
      case Boolean b -> "a boolean";
      case Number n -> "a number";
      case Map<?, ?> m -> "an object";
      case java.util.List<?> l -> "a list";
      default -> "null";
    };
  }

  private static String show(Object v) {
    return v == null ? "nothing" : v instanceof String s ? "'" + truncate(s) + "'" : typeName(v);
  }

  private static String truncate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
