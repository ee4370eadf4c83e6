package dev.headroom.scoring.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.http.JsonFields;
import dev.headroom.kit.http.JsonRoute;
import dev.headroom.kit.validation.Validation;
import dev.headroom.scoring.mapping.MeasuresProtos;
import dev.headroom.scoring.service.Measures;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@code GET /v1/measures?from=…&to=…}: GetBusinessMeasures as JSON, in the proto3 JSON mapping of
 * GetBusinessMeasuresResponse (lowerCamelCase names, 64-bit integers as strings, zeros printed).
 * {@code from} and {@code to} are RFC 3339 timestamps with an offset. Errors have the kit's HTTP
 * error shape with the same fields and descriptions as over gRPC; other methods are 405.
 */
public final class MeasuresRoute {
  public static final String PATH = "/v1/measures";

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final Measures measures;
  private final HttpErrors errors;

  public MeasuresRoute(Measures measures, HttpErrors errors) {
    this.measures = measures;
    this.errors = errors;
  }

  public void register(HttpRouting.Builder routing) {
    routing.get(PATH, this::handle);
    routing.any(
        PATH,
        (req, res) -> {
          res.header(HeaderNames.ALLOW, Method.GET.text());
          errors.sendInvalid(
              res, 405, "", "method " + req.prologue().method().text() + " not allowed; use GET");
        });
  }

  private void handle(ServerRequest req, ServerResponse res) {
    try {
      // The query parameters are read with the same rules as timestamps in a JSON body.
      ObjectNode params = JsonNodeFactory.instance.objectNode();
      req.query().first("from").asOptional().ifPresent(t -> params.put("from", t));
      req.query().first("to").asOptional().ifPresent(t -> params.put("to", t));
      Validation v = Validation.of();
      JsonFields fields = new JsonRoute.Body(params).fields(v);
      Instant from = required(v, "from", fields.timestamp("from"), params);
      Instant to = required(v, "to", fields.timestamp("to"), params);
      v.throwIfInvalid();
      String body = PRINTER.print(MeasuresProtos.response(measures.of(from, to)));
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(body.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException e) {
      errors.send(res, new IllegalStateException("the measures cannot be printed as JSON", e));
    } catch (RuntimeException e) {
      errors.send(res, e);
    }
  }

  /** Absent or empty is "required", as over gRPC; a malformed one is already reported. */
  private static Instant required(Validation v, String field, Instant value, ObjectNode params) {
    if (value == null && params.path(field).asText().isEmpty()) {
      v.fail(field, "required");
    }
    return value;
  }
}
