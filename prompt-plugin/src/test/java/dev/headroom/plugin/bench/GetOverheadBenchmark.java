package dev.headroom.plugin.bench;

import dev.headroom.api.common.v1.Money;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.PlanSummary;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.plugin.ClientStats;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.plugin.PromptDecision;
import dev.headroom.plugin.Surface;
import dev.headroom.plugin.UserRole;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client's cost per get over the raw blocking stub, on an in-process server that answers at
 * once (so the difference is the client: deadline, breaker, in-flight map, mapping to {@code
 * PromptOffer}, listener and counters). Run it with {@code -prof gc} for the allocation per call;
 * the command is in prompt-plugin/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class GetOverheadBenchmark {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /** OFFER: every call returns an offer; NO_PROMPT: a "no prompt" answer. */
  @Param({"OFFER", "NO_PROMPT"})
  public String answer;

  private Server server;
  private ManagedChannel channel;
  private PromptServiceGrpc.PromptServiceBlockingStub stub;
  private HeadroomClient client;
  private GetPromptRequest request;

  @Setup(Level.Trial)
  public void start() throws IOException {
    GetPromptResponse response =
        answer.equals("OFFER")
            ? GetPromptResponse.newBuilder().setPrompt(offer()).build()
            : GetPromptResponse.newBuilder()
                .setNoPromptReason(NoPromptReason.NO_PROMPT_REASON_FREQUENCY_CAPPED)
                .build();
    String name = "get-overhead-" + System.nanoTime();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new PromptServiceGrpc.PromptServiceImplBase() {
                  @Override
                  public void getPrompt(
                      GetPromptRequest request, StreamObserver<GetPromptResponse> out) {
                    out.onNext(response);
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = PromptServiceGrpc.newBlockingStub(channel);
    // The cache is off so that every get reaches the server, as every raw call does. The deadline
    // is long for both: a deadline missed on a loaded machine would turn a client call into a
    // cheap "no prompt" (and open the circuit) and make the comparison meaningless.
    client =
        HeadroomClient.builder()
            .promptService(channel)
            .signalService(channel)
            .cacheTtl(Duration.ZERO)
            .deadline(DEADLINE)
            .build();
    request =
        GetPromptRequest.newBuilder()
            .setAccountId("acme")
            .setUserId("u-1")
            .setFeatureKey("sso")
            .setSurface(dev.headroom.api.prompt.v1.Surface.SURFACE_FEATURE_USE)
            .setLocale("en-US")
            .setUserRole(dev.headroom.api.common.v1.UserRole.USER_ROLE_OWNER)
            .build();
  }

  @TearDown(Level.Trial)
  public void stop() {
    ClientStats stats = client.stats();
    long failedOpen =
        stats.noPrompt().entrySet().stream()
            .filter(e -> !e.getKey().decidedByService())
            .mapToLong(Map.Entry::getValue)
            .sum();
    if (failedOpen > 0) {
      throw new IllegalStateException("client gets that did not reach the server: " + stats);
    }
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Benchmark
  public GetPromptResponse rawStub() {
    return stub.withDeadlineAfter(DEADLINE.toNanos(), TimeUnit.NANOSECONDS).getPrompt(request);
  }

  @Benchmark
  public PromptDecision client() {
    return client.prompts().get("acme", "u-1", "sso", Surface.FEATURE_USE, "en-US", UserRole.OWNER);
  }

  private static Prompt offer() {
    Money price = Money.newBuilder().setCurrencyCode("USD").setMinorUnits(4900).build();
    return Prompt.newBuilder()
        .setDecisionId("d-1")
        .setCampaignId("c-1")
        .setTitle("Unlock SSO")
        .setBody("Pro includes single sign-on.")
        .setCtaLabel("Upgrade")
        .setCtaUrl("https://host.example/upgrade?plan=pro&seats=3")
        .setCurrentPlan(PlanSummary.newBuilder().setPlanKey("free").addFeatureKeys("reports"))
        .setTargetPlan(
            PlanSummary.newBuilder()
                .setPlanKey("pro")
                .setMonthlyPrice(price)
                .addFeatureKeys("reports")
                .addFeatureKeys("sso"))
        .addHighlightedFeatureKeys("sso")
        .setPrefilledSeats(3)
        .build();
  }
}
