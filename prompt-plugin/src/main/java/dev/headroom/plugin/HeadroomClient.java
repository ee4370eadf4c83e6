package dev.headroom.plugin;

import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What a host product embeds: {@link #prompts()} asks prompt-service for offers and reports what
 * users did with them, {@link #usage()} records usage events for signal-service. Build one per
 * process and share it; it is thread safe. {@link #close()} flushes the buffered events.
 *
 * <pre>{@code
 * HeadroomClient headroom = HeadroomClient.builder()
 *     .promptService("prompt.headroom.internal:7103")
 *     .signalService("signal.headroom.internal:7101")
 *     .callCredentials(myBearerTokenCredentials)     // optional
 *     .build();
 * PromptDecision d = headroom.prompts().get("acme", "u-1", "sso", Surface.FEATURE_USE, "en-US");
 * headroom.usage().paywallHit("acme", "u-1", "sso");
 * }</pre>
 *
 * <p>Needs Java 17 or newer, grpc-api/grpc-stub/grpc-protobuf, protobuf-java, the headroom-proto
 * jar, and a gRPC transport of the host's choice on the class path (grpc-netty-shaded or
 * grpc-okhttp) when the client builds its own channels from targets.
 */
public final class HeadroomClient implements AutoCloseable {
  private final PromptClient prompts;
  private final UsageTracker usage;
  private final CircuitBreaker breaker;
  private final EventPipeline<UsageRecord> usageEvents;
  private final EventPipeline<PromptEventRecord> promptEvents;
  private final StatsRecorder stats;
  private final List<ManagedChannel> ownedChannels;
  private final AtomicBoolean closed;

  private HeadroomClient(Builder b, Channel promptChannel, Channel signalChannel) {
    this.ownedChannels = b.ownedChannels;
    this.closed = new AtomicBoolean();
    this.stats = new StatsRecorder();
    Listeners listeners = new Listeners(stats, b.listener);
    PromptWire promptWire = new PromptWire(promptChannel, b.callCredentials);
    UsageWire usageWire = new UsageWire(signalChannel, b.callCredentials);
    HealthProbe probe =
        new HealthProbe(
            promptChannel, PromptWire.SERVICE_NAME, b.probeDeadline, b.callCredentials, listeners);
    this.breaker =
        new CircuitBreaker(
            b.failureThreshold,
            b.openDuration,
            b.maxOpenDuration,
            b.ticker,
            probe::check,
            listeners);
    Backoff backoff = new Backoff(b.retryBase, b.retryMax);
    this.usageEvents =
        pipeline(
            EventStream.USAGE,
            batch -> usageWire.ingest(batch, b.sendDeadline),
            UsageWire.MAX_EVENTS_PER_CALL,
            b,
            backoff,
            listeners);
    this.promptEvents =
        pipeline(
            EventStream.PROMPT_EVENTS,
            batch -> promptWire.report(batch, b.sendDeadline),
            PromptWire.MAX_EVENTS_PER_CALL,
            b,
            backoff,
            listeners);
    this.prompts =
        new PromptClient(
            promptWire,
            new DecisionCache(b.cacheTtl.toNanos(), b.cacheMaxEntries, b.ticker),
            breaker,
            b.deadline,
            listeners,
            b.ticker,
            b.clock,
            promptEvents,
            stats,
            closed);
    this.usage = new UsageTracker(usageEvents, stats, b.clock);
  }

  private static <E> EventPipeline<E> pipeline(
      EventStream stream,
      EventPipeline.Sender<E> sender,
      int serviceBatchLimit,
      Builder b,
      Backoff backoff,
      HeadroomListener listener) {
    return new EventPipeline<>(
        stream,
        sender,
        new EventPipeline.Settings(
            b.bufferCapacity,
            Math.min(b.batchSize, serviceBatchLimit),
            b.linger,
            backoff,
            b.retryBudget,
            b.closeTimeout),
        listener,
        b.ticker);
  }

  /** A builder with the defaults documented on each method. */
  public static Builder builder() {
    return new Builder();
  }

  /** Prompts: {@code get} and the shown/clicked/dismissed/converted reports. */
  public PromptClient prompts() {
    return prompts;
  }

  /** Usage events for signal-service. */
  public UsageTracker usage() {
    return usage;
  }

  /** What the client has counted so far: decisions by reason, events by outcome, the circuit. */
  public ClientStats stats() {
    return stats.snapshot(breaker.state(), usageEvents.buffered(), promptEvents.buffered());
  }

  /**
   * Stops taking events, sends what is buffered (both streams at once, for about the close
   * timeout), reports what could not be sent as undelivered (CLOSED), and shuts down the channels
   * the client built itself. A get after close answers {@link NoPromptReason#CLIENT_CLOSED}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Both streams flush at the same time, so close() takes at most one close timeout.
    long deadline = usageEvents.closeDeadline();
    usageEvents.beginClose();
    promptEvents.beginClose();
    usageEvents.awaitClosed(deadline);
    promptEvents.awaitClosed(deadline);
    for (ManagedChannel c : ownedChannels) {
      c.shutdown();
    }
    try {
      for (ManagedChannel c : ownedChannels) {
        if (!c.awaitTermination(1, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      ownedChannels.forEach(ManagedChannel::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link HeadroomClient}. Not thread safe; build once. */
  public static final class Builder {
    private String promptTarget;
    private String signalTarget;
    private Channel promptChannel;
    private Channel signalChannel;
    private ChannelCredentials channelCredentials = TlsChannelCredentials.create();
    private CallCredentials callCredentials;
    private Duration deadline = Duration.ofMillis(50);
    private Duration probeDeadline = Duration.ofMillis(500);
    private Duration cacheTtl = Duration.ofMillis(1500);
    private int cacheMaxEntries = 10_000;
    private int failureThreshold = 5;
    private Duration openDuration = Duration.ofSeconds(2);
    private Duration maxOpenDuration = Duration.ofSeconds(30);
    private int bufferCapacity = 10_000;
    private int batchSize = 1000;
    private Duration linger = Duration.ofMillis(200);
    private Duration sendDeadline = Duration.ofSeconds(10);
    private Duration retryBase = Duration.ofMillis(200);
    private Duration retryMax = Duration.ofSeconds(30);
    private Duration retryBudget = Duration.ofMinutes(5);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private HeadroomListener listener = new HeadroomListener() {};
    private Clock clock = Clock.systemUTC();
    private LongSupplier ticker = System::nanoTime;
    private final List<ManagedChannel> ownedChannels = new ArrayList<>();

    private Builder() {}

    /** prompt-service's address ("host:port" or any gRPC target); the client owns the channel. */
    public Builder promptService(String target) {
      this.promptTarget = Objects.requireNonNull(target, "target");
      this.promptChannel = null;
      return this;
    }

    /**
     * A channel to prompt-service that the host built (with its own TLS, load balancing,
     * interceptors); the host keeps ownership and shuts it down after closing the client.
     */
    public Builder promptService(Channel channel) {
      this.promptChannel = Objects.requireNonNull(channel, "channel");
      this.promptTarget = null;
      return this;
    }

    /** signal-service's address; the client owns the channel. */
    public Builder signalService(String target) {
      this.signalTarget = Objects.requireNonNull(target, "target");
      this.signalChannel = null;
      return this;
    }

    /** A channel to signal-service that the host built and keeps ownership of. */
    public Builder signalService(Channel channel) {
      this.signalChannel = Objects.requireNonNull(channel, "channel");
      this.signalTarget = null;
      return this;
    }

    /**
     * Credentials for the channels the client builds from targets. Default: TLS with the JVM's
     * trust store ({@link TlsChannelCredentials#create()}); pass a {@code
     * TlsChannelCredentials.newBuilder()} result for mutual TLS or a private CA.
     */
    public Builder channelCredentials(ChannelCredentials credentials) {
      this.channelCredentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Plaintext channels, for local development and tests only. */
    public Builder plaintext() {
      return channelCredentials(InsecureChannelCredentials.create());
    }

    /** Credentials attached to every call (e.g. a bearer token); default none. */
    public Builder callCredentials(CallCredentials credentials) {
      this.callCredentials = credentials;
      return this;
    }

    /** How long a get waits for prompt-service before answering "no prompt". Default 50 ms. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /**
     * The deadline of the health probe that decides whether to close the circuit. Default 500 ms.
     */
    public Builder probeDeadline(Duration deadline) {
      this.probeDeadline = positive(deadline, "probeDeadline");
      return this;
    }

    /**
     * How long prompt-service's "no prompt" answers are remembered (offers never are). Default 1.5
     * s; zero disables the cache.
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must not be negative");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** The most "no prompt" answers remembered at once. Default 10,000. */
    public Builder cacheMaxEntries(int max) {
      this.cacheMaxEntries = atLeastOne(max, "cacheMaxEntries");
      return this;
    }

    /**
     * Consecutive failed calls that open the circuit, and how long it stays open before the first
     * health probe. Each failed probe doubles the open time, up to {@code maxOpen}. Defaults 5, 2
     * s, 30 s.
     */
    public Builder circuitBreaker(int failureThreshold, Duration open, Duration maxOpen) {
      this.failureThreshold = atLeastOne(failureThreshold, "failureThreshold");
      this.openDuration = positive(open, "open");
      this.maxOpenDuration = positive(maxOpen, "maxOpen");
      return this;
    }

    /**
     * Events held in memory per stream (usage, prompt events) while they wait to be sent; beyond it
     * new events are refused and counted (BUFFER_FULL). Default 10,000.
     */
    public Builder bufferCapacity(int events) {
      this.bufferCapacity = atLeastOne(events, "bufferCapacity");
      return this;
    }

    /**
     * The largest batch per call (capped at the services' limits: 1,000 usage events, 500 prompt
     * events) and how long the sender waits for a batch to fill. Defaults 1,000 and 200 ms.
     */
    public Builder batching(int batchSize, Duration linger) {
      this.batchSize = atLeastOne(batchSize, "batchSize");
      if (linger.isNegative()) {
        throw new IllegalArgumentException("linger must not be negative");
      }
      this.linger = linger;
      return this;
    }

    /** The deadline of one batch call. Default 10 s. */
    public Builder sendDeadline(Duration deadline) {
      this.sendDeadline = positive(deadline, "sendDeadline");
      return this;
    }

    /**
     * Retries of a failed batch: the first waits about {@code base}, each next one up to twice as
     * long (with jitter) but at most {@code max}; a batch is given up (RETRIES_EXHAUSTED) once its
     * retries would go beyond {@code budget} after its first attempt. Defaults 200 ms, 30 s, 5 min.
     */
    public Builder retry(Duration base, Duration max, Duration budget) {
      this.retryBase = positive(base, "base");
      this.retryMax = positive(max, "max");
      this.retryBudget = positive(budget, "budget");
      return this;
    }

    /** How long close() keeps sending buffered events per stream. Default 5 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    /** Receives decisions, failures and event outcomes for the host's metrics. Default none. */
    public Builder listener(HeadroomListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock that stamps events' occurred_at. Default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A monotonic nanosecond source for deadlines, cache expiry and the circuit; tests only. */
    Builder ticker(LongSupplier ticker) {
      this.ticker = ticker;
      return this;
    }

    /**
     * Builds the client and starts its two sender threads.
     *
     * @throws IllegalStateException when prompt-service or signal-service is not configured
     */
    public HeadroomClient build() {
      Channel prompt = channel(promptChannel, promptTarget, "promptService");
      Channel signal = channel(signalChannel, signalTarget, "signalService");
      return new HeadroomClient(this, prompt, signal);
    }

    private Channel channel(Channel given, String target, String what) {
      if (given != null) {
        return given;
      }
      if (target == null) {
        throw new IllegalStateException(what + " is not configured");
      }
      ManagedChannel built = Grpc.newChannelBuilder(target, channelCredentials).build();
      ownedChannels.add(built);
      return built;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    private static int atLeastOne(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be at least 1");
      }
      return n;
    }
  }
}
