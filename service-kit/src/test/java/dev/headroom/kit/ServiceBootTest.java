package dev.headroom.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.ListWidgetsRequest;
import dev.headroom.kittest.v1.ListWidgetsResponse;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service built with the kit, booted on random ports and used over real TCP like a client would.
 */
class ServiceBootTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static ServiceHost host;
  private static ManagedChannel channel;
  private static WidgetServiceGrpc.WidgetServiceBlockingStub widgets;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void boot() {
    host = KitTestService.start(KitTestService.env(PG.database()));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    widgets = WidgetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void shutdown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    host.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bootsOnRandomPortsAndReportsServing() {
    assertTrue(host.grpcPort() > 0);
    assertTrue(host.httpPort() > 0);
    var health = HealthGrpc.newBlockingStub(channel);
    dev.headroom.kit.testing.Await.until(
        "overall SERVING",
        () ->
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == HealthCheckResponse.ServingStatus.SERVING);
    assertEquals(
        HealthCheckResponse.ServingStatus.SERVING,
        health
            .check(
                HealthCheckRequest.newBuilder()
                    .setService("headroom.kittest.v1.WidgetService")
                    .build())
            .getStatus());
  }

  @Test
  void listsItsServicesThroughReflection() throws Exception {
    CompletableFuture<List<ServiceResponse>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> req =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    result.complete(r.getListServicesResponse().getServiceList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    result.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    req.onCompleted();
    Set<String> names = new HashSet<>();
    result.get(30, TimeUnit.SECONDS).forEach(s -> names.add(s.getName()));
    assertTrue(names.contains("headroom.kittest.v1.WidgetService"), names.toString());
    assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
  }

  @Test
  void healthEndpointIsUpWhileTheDatabaseIs() throws Exception {
    HttpResponse<String> r = get("/observe/health");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("UP"), r.body());
  }

  @Test
  void badRequestIsInvalidArgumentWithEveryFieldViolation() throws Exception {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                widgets.createWidget(
                    CreateWidgetRequest.newBuilder().setName("").setQuantity(0).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    com.google.rpc.Status st = StatusProto.fromThrowable(e);
    BadRequest br =
        st.getDetailsList().stream()
            .filter(a -> a.is(BadRequest.class))
            .findFirst()
            .orElseThrow()
            .unpack(BadRequest.class);
    assertEquals(
        List.of("name", "quantity"),
        br.getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList());
  }

  @Test
  void duplicateIsAlreadyExists() {
    widgets.createWidget(CreateWidgetRequest.newBuilder().setName("dup").setQuantity(1).build());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                widgets.createWidget(
                    CreateWidgetRequest.newBuilder().setName("dup").setQuantity(1).build()));
    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
  }

  @Test
  void unexpectedFailureIsInternalWithIncidentAndNoInternals() throws Exception {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                widgets.createWidget(
                    CreateWidgetRequest.newBuilder().setName("boom").setQuantity(1).build()));
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    String desc = e.getStatus().getDescription();
    assertTrue(desc.contains("incident"), desc);
    assertFalse(
        desc.contains("hunter2") || desc.contains("IllegalState") || desc.contains("at dev."),
        desc);
    ErrorInfo info = StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class);
    assertTrue(desc.contains(info.getMetadataOrThrow("incident_id")));
    assertFalse(StatusProto.fromThrowable(e).toString().contains("hunter2"));
  }

  @Test
  void pagesWithOpaqueTokensAndRejectsTamperedOnes() {
    for (String n : List.of("p-a", "p-b", "p-c")) {
      widgets.createWidget(CreateWidgetRequest.newBuilder().setName(n).setQuantity(1).build());
    }
    List<String> seen = new java.util.ArrayList<>();
    String token = "";
    do {
      ListWidgetsResponse page =
          widgets.listWidgets(
              ListWidgetsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      page.getWidgetsList().forEach(w -> seen.add(w.getName()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertTrue(seen.containsAll(List.of("p-a", "p-b", "p-c")), seen.toString());
    assertEquals(seen.stream().sorted().distinct().toList(), seen);

    String valid =
        widgets
            .listWidgets(ListWidgetsRequest.newBuilder().setPageSize(1).build())
            .getNextPageToken();
    String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BB" : "AA");
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                widgets.listWidgets(
                    ListWidgetsRequest.newBuilder().setPageSize(1).setPageToken(tampered).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("page_token"));
  }

  @Test
  void exposesPerRpcMetricsAndServiceRoutes() throws Exception {
    widgets.createWidget(
        CreateWidgetRequest.newBuilder().setName("metered").setQuantity(3).build());
    assertThrows(
        StatusRuntimeException.class,
        () -> widgets.createWidget(CreateWidgetRequest.newBuilder().setQuantity(3).build()));
    HttpResponse<String> r = get("/observe/metrics");
    assertEquals(200, r.statusCode());
    String body = r.body();
    assertTrue(
        body.lines()
            .anyMatch(
                l ->
                    l.startsWith("grpc_server_calls_seconds_count")
                        && l.contains("method=\"headroom.kittest.v1.WidgetService/CreateWidget\"")
                        && l.contains("code=\"OK\"")),
        body);
    assertTrue(
        body.lines()
            .anyMatch(
                l ->
                    l.startsWith("grpc_server_calls_seconds_count")
                        && l.contains("CreateWidget")
                        && l.contains("code=\"INVALID_ARGUMENT\"")),
        body);
    assertTrue(body.contains("grpc_server_calls_seconds_bucket"), "latency histogram exported");

    HttpResponse<String> count = get("/admin/widgets/count");
    assertEquals(200, count.statusCode());
    assertTrue(Long.parseLong(count.body().trim()) >= 1);
  }
}
