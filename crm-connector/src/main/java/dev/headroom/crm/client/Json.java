package dev.headroom.crm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reading CRM answers that may not be JSON at all (HTML error pages, cut-off bodies). */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static Optional<JsonNode> parse(String body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return Optional.ofNullable(node).filter(n -> !n.isMissingNode());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a non-JSON body looks like, for an error message (never the body itself). */
  static String describe(java.net.http.HttpResponse<String> response) {
    String type = response.headers().firstValue("Content-Type").orElse("no content type");
    return "HTTP "
        + response.statusCode()
        + " with a body that is not the expected JSON ("
        + type
        + ", "
        + response.body().length()
        + " characters)";
  }
}
