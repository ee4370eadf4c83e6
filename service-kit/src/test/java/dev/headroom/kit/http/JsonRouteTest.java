package dev.headroom.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.validation.Validation;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every client mistake on a JSON route is a 4xx in the kit's error shape, never a 500. */
class JsonRouteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BODY = 64 * 1024;
  private static HttpServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    HttpErrors errors = new HttpErrors(new ErrorMapper("kittest"));
    server =
        HttpServer.builder(new HttpSettings("127.0.0.1", 0))
            .routes(
                r ->
                    JsonRoute.post(
                            "/v1/things",
                            errors,
                            MAX_BODY,
                            body -> {
                              Validation v = Validation.of();
                              List<JsonFields> things = body.fields(v).objects("things");
                              for (JsonFields t : things) {
                                t.identifier("id");
                                t.timestamp("at");
                                t.decimal("amount");
                              }
                              v.throwIfInvalid();
                              if (things.isEmpty()) {
                                throw new IllegalStateException("secret detail");
                              }
                              if (things.size() == 3) {
                                throw new DomainException.Unavailable(
                                    Reason.DEPENDENCY_UNAVAILABLE,
                                    "the store is unreachable",
                                    Duration.ofMillis(1500));
                              }
                              return JSON.createObjectNode().put("count", things.size());
                            })
                        .register(r))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> post(String contentType, HttpRequest.BodyPublisher body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/things"))
            .POST(body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postJson(String body) throws Exception {
    return post("application/json", HttpRequest.BodyPublishers.ofString(body));
  }

  private static JsonNode error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error");
  }

  private static void assertField(HttpResponse<String> r, String field) throws Exception {
    assertEquals(400, r.statusCode(), r.body());
    JsonNode e = error(r);
    assertEquals("INVALID_ARGUMENT", e.get("reason").asText());
    assertEquals(field, e.get("field").asText(), r.body());
  }

  @Test
  void aValidBodyIsHandled() throws Exception {
    HttpResponse<String> r =
        postJson(
            "{\"things\": [{\"id\": \"a\", \"at\": \"2026-03-01T12:00:00Z\", \"amount\": 2.5}]}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, JSON.readTree(r.body()).get("count").asInt());
  }

  @Test
  void aBodyThatIsNotJsonIs415() throws Exception {
    assertEquals(415, post("text/plain", HttpRequest.BodyPublishers.ofString("{}")).statusCode());
    assertEquals(415, post(null, HttpRequest.BodyPublishers.ofString("{}")).statusCode());
    assertEquals(
        415,
        post("application/json; charset=ISO-8859-1", HttpRequest.BodyPublishers.ofString("{}"))
            .statusCode());
  }

  @Test
  void anOversizedBodyIs413WithOrWithoutContentLength() throws Exception {
    String big = "{\"things\": \"" + "x".repeat((int) MAX_BODY) + "\"}";
    HttpResponse<String> declared = postJson(big);
    assertEquals(413, declared.statusCode());
    assertEquals("INVALID_ARGUMENT", error(declared).get("reason").asText());
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> streamed =
        post(
            "application/json",
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    assertEquals(413, streamed.statusCode());
  }

  @Test
  void malformedBodiesAre400() throws Exception {
    for (String body :
        new String[] {"", "{\"things\": [", "not json", "[1, 2]", "{\"a\":1,\"a\":2}"}) {
      HttpResponse<String> r = postJson(body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
      assertEquals("INVALID_ARGUMENT", error(r).get("reason").asText());
    }
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertEquals(400, postJson(deep).statusCode());
  }

  @Test
  void wrongTypesAndBadValuesNameTheirField() throws Exception {
    assertField(postJson("{\"things\": [{\"id\": 42}]}"), "things[0].id");
    assertField(postJson("{\"things\": [{\"id\": {\"x\": 1}}]}"), "things[0].id");
    assertField(
        postJson("{\"things\": [{\"id\": \"a\", \"at\": \"0000-01-01T00:00:00Z\"}]}"),
        "things[0].at");
    assertField(postJson("{\"things\": [{\"id\": \"a\", \"at\": \"yesterday\"}]}"), "things[0].at");
    assertField(
        postJson("{\"things\": [{\"id\": \"a\", \"amount\": 1e999999999}]}"), "things[0].amount");
    assertField(
        postJson("{\"things\": [{\"id\": \"a\", \"amount\": \"1e999999999\"}]}"),
        "things[0].amount");
    assertField(postJson("{\"things\": [{\"id\": \"a\\u0000b\"}]}"), "things[0].id");
    assertField(postJson("{\"things\": {}}"), "things");
  }

  @Test
  void aWrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/things"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode());
    assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
    assertEquals("INVALID_ARGUMENT", error(r).get("reason").asText());
  }

  @Test
  void anOverloadIs503WithRetryAfterAsGrpcClientsGetRetryInfo() throws Exception {
    HttpResponse<String> r =
        postJson("{\"things\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}]}");
    assertEquals(503, r.statusCode(), r.body());
    assertEquals("2", r.headers().firstValue("Retry-After").orElse(""));
    assertEquals("DEPENDENCY_UNAVAILABLE", error(r).get("reason").asText());
  }

  @Test
  void aBugIs500WithAnIncidentAndNoDetail() throws Exception {
    HttpResponse<String> r = postJson("{\"things\": []}");
    assertEquals(500, r.statusCode());
    assertTrue(error(r).get("message").asText().contains("incident"));
    assertFalse(r.body().contains("secret detail"));
  }

  @Test
  void aBodyShorterThanItsContentLengthIsNot500() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/things HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 100\r\n\r\n{\"things\": [")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertFalse(answer.startsWith("HTTP/1.1 5"), answer);
    }
  }
}
