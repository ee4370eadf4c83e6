package dev.headroom.kit.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.validation.Validation;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A JSON POST route with every client mistake answered as one, in the kit's error shape ({@link
 * HttpErrors}), before the handler runs:
 *
 * <ul>
 *   <li>405 (with {@code Allow: POST}) for any other method on the path;
 *   <li>415 for a body that is not {@code application/json} (a charset other than UTF-8 included);
 *   <li>413 for a body over {@code maxBodyBytes}, whether its Content-Length says so or it just
 *       keeps coming;
 *   <li>400 for a body that is empty, ends before its Content-Length, is not JSON, is not a JSON
 *       object, repeats a key, or nests deeper than {@value #MAX_NESTING_DEPTH};
 *   <li>whatever the handler throws: a {@link DomainException} as its status (400 with the field
 *       for bad fields found through {@link JsonFields}), anything else a 500 with an incident id.
 * </ul>
 *
 * <pre>{@code
 * JsonRoute.post("/v1/events", errors, JsonRoute.DEFAULT_MAX_BODY_BYTES, body -> {
 *   Validation v = Validation.of();
 *   List<JsonFields> events = body.fields(v).objects("events");
 *   ...
 *   v.throwIfInvalid();
 *   return resultJson;
 * }).register(routing);
 * }</pre>
 */
public final class JsonRoute {
  /** Bodies up to 4 MiB, the gRPC side's default maximum message. */
  public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

  /** JSON nesting the route parses, the same bound the gRPC side sets for messages. */
  public static final int MAX_NESTING_DEPTH = 64;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_NESTING_DEPTH)
                      .maxNumberLength(100)
                      .build())
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  /** What the route does with a well-formed JSON object; returns the 200 response body. */
  @FunctionalInterface
  public interface Handler {
    JsonNode handle(Body body);
  }

  /** A parsed request body, a JSON object. */
  public record Body(JsonNode json) {
    /** Typed, validated access to the body's fields; violations go to {@code v}. */
    public JsonFields fields(Validation v) {
      return new JsonFields(json, v);
    }
  }

  private final String path;
  private final HttpErrors errors;
  private final long maxBodyBytes;
  private final Handler handler;

  private JsonRoute(String path, HttpErrors errors, long maxBodyBytes, Handler handler) {
    this.path = path;
    this.errors = errors;
    this.maxBodyBytes = maxBodyBytes;
    this.handler = handler;
  }

  public static JsonRoute post(String path, HttpErrors errors, long maxBodyBytes, Handler handler) {
    return new JsonRoute(path, errors, maxBodyBytes, handler);
  }

  /** Adds the POST route and the 405 answer for every other method on the same path. */
  public void register(HttpRouting.Builder routing) {
    routing.post(path, this::handle);
    routing.any(
        path,
        (req, res) -> {
          res.header(HeaderNames.ALLOW, Method.POST.text());
          errors.sendInvalid(
              res, 405, "", "method " + req.prologue().method().text() + " not allowed; use POST");
        });
  }

  private void handle(ServerRequest req, ServerResponse res) {
    Optional<HttpMediaType> type = req.headers().contentType();
    if (type.isEmpty()
        || !type.get().mediaType().equals(MediaTypes.APPLICATION_JSON)
        || !type.get().charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true)) {
      errors.sendInvalid(res, 415, "", "the body must be application/json (UTF-8)");
      return;
    }
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
      errors.sendInvalid(res, 413, "", "the body must be at most " + maxBodyBytes + " bytes");
      return;
    }
    byte[] bytes;
    try (InputStream in = req.content().inputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      errors.sendInvalid(res, 400, "", "the body ended before its declared Content-Length");
      return;
    } catch (RuntimeException e) {
      // Helidon reports a connection that closed mid-body with its own runtime exceptions.
      errors.sendInvalid(res, 400, "", "the body could not be read to its end");
      return;
    }
    if (bytes.length > maxBodyBytes) {
      errors.sendInvalid(res, 413, "", "the body must be at most " + maxBodyBytes + " bytes");
      return;
    }
    if (bytes.length == 0) {
      errors.sendInvalid(res, 400, "", "the body is empty; expected a JSON object");
      return;
    }
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      errors.sendInvalid(res, 400, "", "the body is not valid JSON: " + problem(e));
      return;
    } catch (IOException e) {
      errors.sendInvalid(res, 400, "", "the body could not be read as JSON");
      return;
    }
    if (json == null || !json.isObject()) {
      errors.sendInvalid(res, 400, "", "the body must be a JSON object");
      return;
    }
    JsonNode answer;
    try {
      answer = handler.handle(new Body(json));
    } catch (RuntimeException e) {
      errors.send(res, e);
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(answer.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Jackson's explanation and position, without the excerpt of the input it would add. */
  private static String problem(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return e.getOriginalMessage() + where;
  }
}
