package dev.headroom.signal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.http.JsonFields;
import dev.headroom.kit.http.JsonRoute;
import dev.headroom.kit.validation.Validation;
import dev.headroom.signal.ingest.EventResult;
import dev.headroom.signal.ingest.IncomingEvent;
import dev.headroom.signal.ingest.IngestService;
import io.helidon.webserver.http.HttpRouting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events}: the same events, validation and per-event results as IngestEvents, as
 * JSON. The body is {@code {"events": [...]}}; each event has {@code event_id}, {@code account_id},
 * {@code user_id}, {@code occurred_at} (RFC 3339 with offset), {@code kind} and {@code payload}.
 * Numbers in the payload are read as doubles, exactly as a protobuf Struct carries them, so an
 * event sent once over HTTP and once over gRPC is recognized as the same (DUPLICATE).
 *
 * <p>The kit's {@link JsonRoute} answers what is wrong with the request as a whole (405, 415, 413,
 * 400 for an empty, truncated or non-JSON body); a body without an {@code events} array or with too
 * many events is a 400 naming the field, with the same reason and message IngestEvents sends. A bad
 * event (a number where a string id belongs, a date outside years 1..9999) is rejected on its own
 * with its field, like every other per-event mistake, and never takes its neighbours down.
 */
public final class EventsRoute {
  public static final String PATH = "/v1/events";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final IngestService ingest;
  private final HttpErrors errors;

  public EventsRoute(IngestService ingest, ErrorMapper errors) {
    this.ingest = ingest;
    this.errors = new HttpErrors(errors);
  }

  public void register(HttpRouting.Builder routing) {
    JsonRoute.post(PATH, errors, JsonRoute.DEFAULT_MAX_BODY_BYTES, this::handle).register(routing);
  }

  private JsonNode handle(JsonRoute.Body body) {
    IngestService.BatchResult r = ingest.ingest(events(body));
    ObjectNode out = JSON.objectNode();
    ArrayNode results = out.putArray("results");
    for (EventResult x : r.results()) {
      ObjectNode o = results.addObject();
      o.put("index", x.index());
      o.put("event_id", x.eventId() == null ? "" : x.eventId());
      o.put("outcome", x.outcome().name());
      if (x.problem() != null) {
        ObjectNode err = o.putObject("error");
        err.put("code", ErrorMapper.codeOf(x.problem().reason()).value());
        err.put("reason", x.problem().reason().name());
        err.put("field", x.problem().field());
        err.put("description", x.problem().description());
      }
    }
    out.put("accepted_count", r.accepted());
    out.put("duplicate_count", r.duplicates());
    out.put("rejected_count", r.rejected());
    return out;
  }

  /** The body's events; a body without an events array or an oversized batch is refused. */
  private static List<IncomingEvent> events(JsonRoute.Body body) {
    JsonNode events = body.json().get("events");
    if (events == null || !events.isArray()) {
      Validation v = Validation.of();
      v.fail("events", "expected {\"events\": [...]}, a JSON array of events");
      v.throwIfInvalid();
    }
    IngestService.checkBatchSize(events.size());
    List<IncomingEvent> in = new ArrayList<>(events.size());
    for (JsonNode e : events) {
      in.add(event(e));
    }
    return in;
  }

  /**
   * One event read field by field; the first field that is not of its JSON type travels with the
   * event to the validator, which rejects this event alone.
   */
  static IncomingEvent event(JsonNode e) {
    if (!e.isObject()) {
      return IncomingEvent.undecodable(
          new FieldViolation("", "an event must be a JSON object, got " + e.getNodeType()));
    }
    Validation v = Validation.of();
    JsonFields f = new JsonRoute.Body(e).fields(v);
    String eventId = f.string("event_id");
    String accountId = f.string("account_id");
    String userId = f.has("user_id") ? f.string("user_id") : null;
    Instant occurredAt = f.timestamp("occurred_at");
    String kind = f.string("kind");
    JsonNode p = f.node("payload");
    return new IncomingEvent(
        eventId,
        accountId,
        userId,
        occurredAt,
        kind,
        p == null ? null : value(p),
        v.isValid() ? null : v.violations().get(0));
  }

  private static Object value(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : n.properties()) {
        m.put(f.getKey(), f.getValue().isNull() ? null : value(f.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(x.isNull() ? null : value(x)));
      return l;
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    return n.asText();
  }
}
