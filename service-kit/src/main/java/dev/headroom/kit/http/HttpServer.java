package dev.headroom.kit.http;

import dev.headroom.kit.observe.CheckResult;
import dev.headroom.kit.observe.ReadinessMonitor;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A service's Helidon SE server: {@code /observe/health} (readiness checks, 503 while not ready),
 * {@code /observe/metrics} (the service's Prometheus registry in text format) and whatever routes
 * the service adds (admin JSON, webhooks).
 *
 * <p>Metrics come from a Micrometer registry owned by the service instance rather than Helidon's
 * global metrics: several services share one JVM in the all-in-one app, and each must expose only
 * its own numbers.
 */
public final class HttpServer implements AutoCloseable {
  public static final String METRICS_PATH = "/observe/metrics";
  public static final String HEALTH_PATH = "/observe/health";

  private final WebServer server;

  private HttpServer(Builder b) {
    var health = HealthObserver.builder().details(true).useSystemServices(false);
    if (b.readiness != null) {
      ReadinessMonitor monitor = b.readiness;
      // One Helidon check per kit check, all evaluated by a single live run so the answer is
      // current.
      health.addCheck(
          new HealthCheck() {
            @Override
            public HealthCheckType type() {
              return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
              return "readiness";
            }

            @Override
            public HealthCheckResponse call() {
              ReadinessMonitor.Report report = monitor.checkNow();
              HealthCheckResponse.Builder r = HealthCheckResponse.builder().status(report.ready());
              for (CheckResult c : report.results()) {
                r.detail(c.name(), c.up() ? "UP" : "DOWN: " + c.detail());
              }
              return r.build();
            }
          });
    }
    ObserveFeature observe =
        ObserveFeature.builder()
            .observersDiscoverServices(false)
            .addObserver(health.build())
            .build();
    PrometheusMeterRegistry registry = b.registry;
    List<Consumer<HttpRouting.Builder>> routes = b.routes;
    this.server =
        WebServer.builder()
            .host(b.settings.host())
            .port(b.settings.port())
            .shutdownHook(false)
            .featuresDiscoverServices(false)
            .addFeature(observe)
            .routing(
                r -> {
                  if (registry != null) {
                    r.get(
                        METRICS_PATH,
                        (req, res) -> {
                          res.header(
                              HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                          res.send(registry.scrape());
                        });
                  }
                  routes.forEach(c -> c.accept(r));
                })
            .build();
  }

  public static Builder builder(HttpSettings settings) {
    return new Builder(settings);
  }

  public HttpServer start() {
    server.start();
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  public WebServer webServer() {
    return server;
  }

  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
  }

  public static final class Builder {
    private final HttpSettings settings;
    private ReadinessMonitor readiness;
    private PrometheusMeterRegistry registry;
    private final List<Consumer<HttpRouting.Builder>> routes = new ArrayList<>();

    private Builder(HttpSettings settings) {
      this.settings = settings;
    }

    public Builder readiness(ReadinessMonitor readiness) {
      this.readiness = readiness;
      return this;
    }

    public Builder metrics(PrometheusMeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** Adds the service's own routes, e.g. {@code r -> r.get("/admin/campaigns", handler)}. */
    public Builder routes(Consumer<HttpRouting.Builder> routes) {
      this.routes.add(routes);
      return this;
    }

    public HttpServer build() {
      return new HttpServer(this);
    }
  }
}
