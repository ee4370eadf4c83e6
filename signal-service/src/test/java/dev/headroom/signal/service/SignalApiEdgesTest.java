package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.api.signal.v1.ListUsersResponse;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.User;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Limits and lookups an integrator runs into: oversized HTTP batches, paging users, unknown
 * accounts.
 */
class SignalApiEdgesTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static SignalTestSupport svc;

  @BeforeAll
  static void start() {
    svc = SignalTestSupport.start(PG.database());
    svc.seedCatalog();
    svc.putAccount("edges", "pro", 10, Instant.parse("2026-01-01T00:00:00Z"));
  }

  @AfterAll
  static void stop() {
    svc.close();
  }

  @Test
  void anOversizedHttpBatchIsRefusedWholeWithA400() throws Exception {
    StringBuilder body = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 1001; i++) {
      body.append(i == 0 ? "" : ",")
          .append(
              """
              {"event_id":"big-%d","account_id":"edges","user_id":"u1","occurred_at":"2026-02-01T10:00:00Z",
               "kind":"USER_ACTIVE","payload":{}}\
              """
                  .formatted(i));
    }
    body.append("]}");
    HttpResponse<String> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + svc.app.httpPort() + "/v1/events"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, res.statusCode());
    assertTrue(res.body().contains("BATCH_TOO_LARGE"), res.body());
    var snapshot =
        svc.stub
            .getUsageSnapshot(
                GetUsageSnapshotRequest.newBuilder()
                    .setAccountId("edges")
                    .setAsOf(SignalTestSupport.ts(Instant.parse("2026-02-02T00:00:00Z")))
                    .build())
            .getSnapshot();
    assertEquals(0, snapshot.getActiveUsers30D(), "nothing of the refused batch was stored");
  }

  @Test
  void usersArePagedWithoutGapsOrRepeats() {
    for (int i = 0; i < 7; i++) {
      svc.stub.putUser(
          PutUserRequest.newBuilder()
              .setUser(
                  User.newBuilder()
                      .setUserId("pager-" + i)
                      .setAccountId("edges")
                      .setRole(i == 0 ? UserRole.USER_ROLE_OWNER : UserRole.USER_ROLE_MEMBER)
                      .setTeam("ops")
                      .setAddedTime(SignalTestSupport.ts(Instant.parse("2026-01-05T00:00:00Z"))))
              .build());
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListUsersResponse page =
          svc.stub.listUsers(
              ListUsersRequest.newBuilder()
                  .setAccountId("edges")
                  .setPageSize(3)
                  .setPageToken(token)
                  .build());
      page.getUsersList().forEach(u -> seen.add(u.getUserId()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 10);
    Set<String> distinct = new HashSet<>(seen);
    assertEquals(seen.size(), distinct.size(), "no user twice: " + seen);
    for (int i = 0; i < 7; i++) {
      assertTrue(distinct.contains("pager-" + i), "pager-" + i + " listed: " + seen);
    }
    assertTrue(pages >= 3, "7 users in pages of 3 take at least 3 pages");

    String issued =
        svc.stub
            .listUsers(ListUsersRequest.newBuilder().setAccountId("edges").setPageSize(3).build())
            .getNextPageToken();
    char last = issued.charAt(issued.length() - 1);
    String altered = issued.substring(0, issued.length() - 1) + (last == 'A' ? 'B' : 'A');
    StatusRuntimeException tampered =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.listUsers(
                    ListUsersRequest.newBuilder()
                        .setAccountId("edges")
                        .setPageSize(3)
                        .setPageToken(altered)
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, tampered.getStatus().getCode());
  }

  @Test
  void anAccountNobodyMentionedIsNotFound() throws Exception {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                svc.stub.getAccount(
                    GetAccountRequest.newBuilder().setAccountId("never-heard-of").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

    StatusRuntimeException empty =
        assertThrows(
            StatusRuntimeException.class,
            () -> svc.stub.getAccount(GetAccountRequest.newBuilder().setAccountId("").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    BadRequest details =
        StatusProto.fromThrowable(empty).getDetailsList().stream()
            .filter(a -> a.is(BadRequest.class))
            .findFirst()
            .orElseThrow()
            .unpack(BadRequest.class);
    assertEquals("account_id", details.getFieldViolations(0).getField());
  }
}
