package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.SignalRule;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UpdateSignalRuleRequest;
import dev.headroom.api.signal.v1.User;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.RawBytes;
import dev.headroom.kit.testing.ViolatedFields;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bad inputs that once ended in INTERNAL, UNKNOWN, a lost answer, a busy server or an HTTP 500,
 * each answered as the client's mistake: over gRPC on TCP (where an oversized answer would not
 * arrive) and over real HTTP.
 */
class SignalInputLimitsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final Instant AT = Instant.parse("2026-01-05T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SignalTestSupport svc;

  @BeforeAll
  static void start() {
    svc = SignalTestSupport.startOverTcp(PG.database());
    svc.seedCatalog();
    svc.putAccount("limits", "pro", 5, AT.minusSeconds(86_400));
  }

  @AfterAll
  static void stop() {
    svc.close();
  }

  @Test
  void aNulCharacterIsTheClientsMistakeNotAServerFault() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.putAccount(
                    PutAccountRequest.newBuilder()
                        .setAccount(Account.newBuilder().setAccountId("nul").setName("Acme\0Inc"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("account.name"), ViolatedFields.of(e));

    IngestEventsResponse r =
        svc.stub.ingestEvents(
            IngestEventsRequest.newBuilder()
                .addEvents(active("nul\0id"))
                .addEvents(active("nul-neighbour"))
                .build());
    assertEquals(EventOutcome.EVENT_OUTCOME_REJECTED, r.getResults(0).getOutcome());
    assertEquals("event_id", r.getResults(0).getError().getField());
    assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, r.getResults(1).getOutcome());
  }

  @Test
  void aHugeValueIsRefusedWithAnAnswerThatStillArrives() {
    String huge = "x".repeat(64 * 1024);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.putAccount(
                    PutAccountRequest.newBuilder()
                        .setAccount(Account.newBuilder().setAccountId(huge))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("account.account_id"), ViolatedFields.of(e));
    assertTrue(e.getStatus().getDescription().length() < 1_000, e.getStatus().getDescription());
  }

  @Test
  void aThresholdWithAHugeExponentIsRefusedBeforeAnyArithmetic() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.updateSignalRule(
                    UpdateSignalRuleRequest.newBuilder()
                        .setRule(
                            SignalRule.newBuilder()
                                .setType(SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
                                .setEnabled(true)
                                .putThresholds("utilization", "1e999999999"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("rule.thresholds.utilization"), ViolatedFields.of(e));
  }

  @Test
  void bytesThatAreNotTheRequestAnswerThatTheRequestCouldNotBeDecoded() {
    byte[] garbage = new byte[64];
    java.util.Arrays.fill(garbage, (byte) 0xff);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                RawBytes.unaryCall(svc.channel, SignalServiceGrpc.getPutAccountMethod(), garbage));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("could not be decoded"),
        e.getStatus().getDescription());
  }

  @Test
  void aUserOfAnUnknownAccountIsNotFoundAsTheContractSays() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.putUser(
                    PutUserRequest.newBuilder()
                        .setUser(User.newBuilder().setUserId("u1").setAccountId("no-such-account"))
                        .build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  // ---- HTTP POST /v1/events

  @Test
  void theEventRouteAnswersEachKindOfBrokenRequestWithItsOwnStatus() throws Exception {
    assertEquals(415, post("text/plain", "{\"events\": []}").statusCode());
    assertEquals(400, post("application/json", "").statusCode());
    HttpResponse<String> notJson = post("application/json", "{\"events\": [");
    assertEquals(400, notJson.statusCode());
    assertEquals("INVALID_ARGUMENT", JSON.readTree(notJson.body()).at("/error/reason").asText());
    HttpResponse<String> noEvents = post("application/json", "{\"evnts\": []}");
    assertEquals(400, noEvents.statusCode());
    assertEquals("events", JSON.readTree(noEvents.body()).at("/error/field").asText());
    String tooLarge = "{\"events\": [], \"pad\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}";
    assertEquals(413, post("application/json", tooLarge).statusCode());
    HttpResponse<String> get =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("allow").orElse(""));
  }

  @Test
  void aBodyShorterThanItsContentLengthIsA400() throws IOException {
    String body = "{\"events\": []}";
    try (Socket s =
        new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), svc.app.httpPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + (body.length() + 100)
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      String statusLine = firstLine(s.getInputStream());
      assertTrue(statusLine.startsWith("HTTP/1.1 400"), statusLine);
    }
  }

  @Test
  void aBadEventOverHttpIsRejectedAloneWithItsField() throws Exception {
    HttpResponse<String> res =
        post(
            "application/json",
            """
            {"events": [
              {"event_id": 42, "account_id": "limits", "user_id": "u1",
               "occurred_at": "2026-01-05T10:00:00Z", "kind": "USER_ACTIVE"},
              {"event_id": "year-zero", "account_id": "limits", "user_id": "u1",
               "occurred_at": "0000-01-05T10:00:00Z", "kind": "USER_ACTIVE"},
              {"event_id": "http-neighbour", "account_id": "limits", "user_id": "u1",
               "occurred_at": "2026-01-05T10:00:00Z", "kind": "USER_ACTIVE"}
            ]}\
            """);
    assertEquals(200, res.statusCode(), res.body());
    JsonNode results = JSON.readTree(res.body()).get("results");
    assertEquals("REJECTED", results.get(0).get("outcome").asText());
    assertEquals("event_id", results.get(0).at("/error/field").asText());
    assertEquals("REJECTED", results.get(1).get("outcome").asText());
    assertEquals("occurred_at", results.get(1).at("/error/field").asText());
    assertEquals("ACCEPTED", results.get(2).get("outcome").asText());
  }

  private static dev.headroom.api.signal.v1.UsageEvent active(String id) {
    return SignalTestSupport.event(id, "limits", "u1", AT, "USER_ACTIVE", Map.of()).build();
  }

  private static URI uri() {
    return URI.create("http://127.0.0.1:" + svc.app.httpPort() + "/v1/events");
  }

  private static HttpResponse<String> post(String contentType, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri())
                .header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).trim();
  }
}
