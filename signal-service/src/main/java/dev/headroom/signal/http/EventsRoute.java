package dev.headroom.signal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.HttpError;
import dev.headroom.signal.ingest.EventResult;
import dev.headroom.signal.ingest.IncomingEvent;
import dev.headroom.signal.ingest.IngestService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events}: the same events, validation and per-event results as IngestEvents, as
 * JSON. The body is {@code {"events": [...]}} (or a bare array); each event has {@code event_id},
 * {@code account_id}, {@code user_id}, {@code occurred_at} (RFC 3339 with offset), {@code kind} and
 * {@code payload}. Numbers in the payload are read as doubles, exactly as a protobuf Struct carries
 * them, so an event sent once over HTTP and once over gRPC is recognized as the same (DUPLICATE).
 *
 * <p>A refused request answers through the kit's {@link ErrorMapper}, like IngestEvents: the same
 * code, reason, field and message, as {@code {"error": {code, reason, field, description,
 * message}}} with the HTTP status for the code.
 */
public final class EventsRoute {
  public static final String PATH = "/v1/events";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IngestService ingest;
  private final ErrorMapper errors;

  public EventsRoute(IngestService ingest, ErrorMapper errors) {
    this.ingest = ingest;
    this.errors = errors;
  }

  public void register(HttpRouting.Builder routing) {
    routing.post(PATH, this::handle);
  }

  private void handle(ServerRequest req, ServerResponse res) {
    IngestService.BatchResult r;
    try {
      r = ingest.ingest(events(req));
    } catch (RuntimeException e) {
      error(res, errors.toHttpError(e));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
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
    send(res, Status.OK_200, out);
  }

  /** The body's events; bad JSON, a body without events and an oversized batch are refused. */
  private static List<IncomingEvent> events(ServerRequest req) {
    JsonNode body;
    try {
      body = JSON.readTree(req.content().as(byte[].class));
    } catch (java.io.IOException e) {
      throw DomainException.InvalidArgument.of("body", "not valid JSON");
    }
    JsonNode events = body == null ? null : body.isArray() ? body : body.get("events");
    if (events == null || !events.isArray()) {
      throw DomainException.InvalidArgument.of(
          "events", "expected {\"events\": [...]} or a JSON array of events");
    }
    IngestService.checkBatchSize(events.size());
    List<IncomingEvent> in = new ArrayList<>(events.size());
    for (JsonNode e : events) {
      in.add(event(e));
    }
    return in;
  }

  static IncomingEvent event(JsonNode e) {
    if (e == null || !e.isObject()) {
      return new IncomingEvent("", "", null, null, null, "", null);
    }
    String userId = e.has("user_id") && !e.get("user_id").isNull() ? text(e.get("user_id")) : null;
    Instant at = null;
    String problem = null;
    JsonNode t = e.get("occurred_at");
    if (t != null && !t.isNull()) {
      if (!t.isTextual()) {
        problem = "must be an RFC 3339 string with an offset, e.g. 2026-03-01T12:00:00Z";
      } else {
        try {
          at = OffsetDateTime.parse(t.asText()).toInstant();
        } catch (DateTimeParseException ex) {
          problem =
              "not RFC 3339 with an offset (e.g. 2026-03-01T12:00:00+02:00): '" + t.asText() + "'";
        }
      }
    }
    JsonNode p = e.get("payload");
    Object payload = p == null || p.isNull() ? null : value(p);
    return new IncomingEvent(
        text(e.get("event_id")),
        text(e.get("account_id")),
        userId,
        at,
        problem,
        text(e.get("kind")),
        payload);
  }

  /** A JSON string as is; anything else becomes a string that fails validation where it matters. */
  private static String text(JsonNode n) {
    return n == null || n.isNull() ? "" : n.isTextual() ? n.asText() : n.toString();
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

  private static void error(ServerResponse res, HttpError e) {
    e.retryAfter()
        .ifPresent(
            d ->
                res.header(
                    HeaderNames.RETRY_AFTER,
                    Long.toString(Math.max(1, d.plusNanos(999_999_999).toSeconds()))));
    ObjectNode out = JSON.createObjectNode();
    ObjectNode err = out.putObject("error");
    err.put("code", e.code().getNumber());
    err.put("reason", e.reason());
    err.put("field", e.field());
    err.put("description", e.description());
    err.put("message", e.message());
    send(res, Status.create(e.httpStatus()), out);
  }

  private static void send(ServerResponse res, Status status, JsonNode body) {
    try {
      res.status(status);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
