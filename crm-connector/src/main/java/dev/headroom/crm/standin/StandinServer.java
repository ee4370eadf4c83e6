package dev.headroom.crm.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What both stand-ins share: a Helidon server bound to 127.0.0.1 on a free port, the fault script,
 * and the log of data requests.
 */
public abstract class StandinServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The longest request line served: a 16,384-byte URI with its method and HTTP version. */
  private static final int MAX_REQUEST_LINE = 16_384 + 64;

  private final FaultScript faults = new FaultScript();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final Clock clock;
  private WebServer server;

  protected StandinServer(Clock clock) {
    this.clock = clock;
  }

  protected abstract void routes(HttpRouting.Builder routing);

  /** Starts listening on 127.0.0.1 on a free port. */
  public final synchronized void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .featuresDiscoverServices(false)
            // Room for the longest request line a CRM accepts (Salesforce: a 16,384-byte URI), so
            // that the stand-in, not the HTTP server, decides which URIs are too long.
            .addProtocol(Http1Config.builder().maxPrologueLength(MAX_REQUEST_LINE).build())
            .routing(this::routes)
            .build()
            .start();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public final String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public final FaultScript faults() {
    return faults;
  }

  /** Data requests received so far, oldest first. */
  public final synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public final synchronized void clearRequests() {
    requests.clear();
  }

  protected final synchronized void record(
      ServerRequest req, Instant receivedAt, List<Set<String>> records, int status) {
    requests.add(
        new RecordedRequest(
            req.prologue().method().text(),
            req.path().path(),
            receivedAt,
            List.copyOf(records),
            status));
  }

  protected final Instant now() {
    return clock.instant();
  }

  /**
   * Answers with the next scripted fault, if any; true when it did. A held request waits here for
   * its release first.
   */
  protected final boolean answeredByFault(
      ServerRequest req, ServerResponse res, Instant receivedAt) {
    faults.takeHold().ifPresent(FaultScript.Hold::block);
    Optional<FaultScript.Fault> fault = faults.next();
    if (fault.isEmpty()) {
      return false;
    }
    FaultScript.Fault f = fault.get();
    if (f.retryAfterSeconds() > 0) {
      res.header(HeaderNames.RETRY_AFTER, Integer.toString(f.retryAfterSeconds()));
    }
    record(req, receivedAt, List.of(), f.status());
    res.status(f.status());
    res.header(HeaderNames.CONTENT_TYPE, f.contentType());
    res.send(f.body().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  protected static void sendJson(ServerResponse res, int status, Object body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    try {
      res.send(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body as JSON, or empty when it is not JSON. */
  protected static Optional<JsonNode> jsonBody(ServerRequest req) {
    try {
      return Optional.of(JSON.readTree(req.content().as(byte[].class)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  protected static Optional<String> bearer(ServerRequest req) {
    return req.headers()
        .first(HeaderNames.AUTHORIZATION)
        .filter(h -> h.startsWith("Bearer "))
        .map(h -> h.substring("Bearer ".length()));
  }

  @Override
  public final synchronized void close() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }
}
