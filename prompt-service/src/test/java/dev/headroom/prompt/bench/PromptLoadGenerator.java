package dev.headroom.prompt.bench;

import dev.headroom.api.prompt.v1.NoPromptReason;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator of {@link PromptBenchmark}, in a JVM of its own so that its threads and
 * garbage do not share a heap and a JIT with the server: grpc-java async stubs over TCP 127.0.0.1,
 * HdrHistogram latencies. Each mode measures GetPrompt and, as the baseline, {@link BenchEcho} on
 * the same server: a unary RPC that takes GetPrompt's request through exactly GetPrompt's server
 * path (transport, decoding, error mapping, admission, worker pool, metrics) and answers it with
 * the request itself, deciding nothing. A closed loop with a fixed number of outstanding calls for
 * the maximum throughput, then an open loop at a fixed rate, its latency measured from each call's
 * intended send time (corrected for coordinated omission: a stalled server is charged for the calls
 * that should have been sent meanwhile).
 */
public final class PromptLoadGenerator {
  /** Connections to the server: each is served by one event loop thread on either side. */
  private static final int CONNECTIONS = 2;

  /**
   * Each measured window is cut into this many slices, GetPrompt's and the baseline's alternating,
   * so that a change in the machine's speed during the run falls on both alike: on a shared machine
   * the echo alone moved 2x between runs minutes apart, and two slices per RPC left the throughput
   * ratio at the mercy of which RPC ran in the slow seconds.
   */
  private static final int SLICES = 10;

  /**
   * A closed-loop slice's calls before its measured window: the lanes fill the server's queues in
   * milliseconds after the warm-up, so a short ramp keeps the slices fine-grained.
   */
  private static final long RAMP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final long TARGET_P99_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final double TARGET_THROUGHPUT_RATIO = 0.7;
  private static final int TARGET_RATE = 5000;

  private static final String ECHO_NAME = "echo (BenchEcho)";

  private final List<ManagedChannel> channels = new ArrayList<>();

  /** The event loop group of each channel, in the same order: one thread serves one connection. */
  private final List<EventLoopGroup> groups = new ArrayList<>();

  private final AtomicInteger nextChannel = new AtomicInteger();
  private final int accounts;
  private final long databasePid;
  private final Answers answers = new Answers();

  /** While set, calls ask about the warm-up's own users ({@link PromptWorkload#request}). */
  private volatile boolean warmingUp;

  private PromptLoadGenerator(int port, int accounts, long databasePid) {
    this.accounts = accounts;
    this.databasePid = databasePid;
    // Epoll for its timers: the open loop's sends are scheduled on the event loops, every 400 us
    // each, and epoll's timers fire to the microsecond where a selector's round to milliseconds.
    Epoll.ensureAvailability();
    for (int i = 0; i < CONNECTIONS; i++) {
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      groups.add(group);
      // Completions run on the transport thread: recording a latency and sending the next call
      // needs no hand-off to another thread.
      channels.add(
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .eventLoopGroup(group)
              .channelType(EpollSocketChannel.class)
              .usePlaintext()
              .directExecutor()
              .build());
    }
  }

  /** One kind of call: sends it and reports its outcome. */
  private interface Rpc {
    String name();

    void call(ManagedChannel channel, SplittableRandom random, boolean counted, Outcome outcome);
  }

  /** Called once per call, on success or failure. */
  private interface Outcome {
    void done(Status failure);
  }

  /** The closed loop's channel for its next call: the connections in turn. */
  private ManagedChannel channel() {
    return channels.get(Math.floorMod(nextChannel.getAndIncrement(), channels.size()));
  }

  private final Rpc getPrompt =
      new Rpc() {
        @Override
        public String name() {
          return "GetPrompt";
        }

        @Override
        public void call(
            ManagedChannel channel, SplittableRandom random, boolean counted, Outcome outcome) {
          // Sent exactly as the echo is (one call object, no stub per call), so that the two differ
          // only in the server's work and the answer's size.
          ClientCalls.asyncUnaryCall(
              channel.newCall(
                  AnswerScan.GET_PROMPT,
                  CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
              PromptWorkload.request(random, accounts, warmingUp),
              new Observer<>(
                  outcome,
                  r -> {
                    if (counted) {
                      answers.count(r);
                    }
                  }));
        }
      };

  private final Rpc echo =
      new Rpc() {
        @Override
        public String name() {
          return ECHO_NAME;
        }

        @Override
        public void call(
            ManagedChannel channel, SplittableRandom random, boolean counted, Outcome outcome) {
          ClientCalls.asyncUnaryCall(
              channel.newCall(
                  AnswerScan.ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
              PromptWorkload.request(random, accounts, warmingUp),
              new Observer<>(outcome, r -> {}));
        }
      };

  /**
   * GetPrompt's answers by kind, counted without a string or a map look-up per call: the counting
   * runs on the load generator's transport threads, and the echo does not pay for it.
   */
  private static final class Answers {
    private final LongAdder shown = new LongAdder();
    private final EnumMap<NoPromptReason, LongAdder> byReason = new EnumMap<>(NoPromptReason.class);

    Answers() {
      for (NoPromptReason reason : NoPromptReason.values()) {
        byReason.put(reason, new LongAdder());
      }
    }

    void count(int answer) {
      (answer == AnswerScan.SHOWN ? shown : byReason.get(AnswerScan.reason(answer))).increment();
    }

    Map<String, Long> snapshotAndReset() {
      Map<String, Long> out = new TreeMap<>();
      long n = shown.sumThenReset();
      if (n > 0) {
        out.put("prompt shown", n);
      }
      for (NoPromptReason reason : NoPromptReason.values()) {
        n = byReason.get(reason).sumThenReset();
        if (n > 0) {
          out.put(reason.name().replace("NO_PROMPT_REASON_", ""), n);
        }
      }
      return out;
    }
  }

  private static final class Observer<T> implements StreamObserver<T> {
    private final Outcome outcome;
    private final Consumer<T> onResponse;

    Observer(Outcome outcome, Consumer<T> onResponse) {
      this.outcome = outcome;
      this.onResponse = onResponse;
    }

    @Override
    public void onNext(T value) {
      onResponse.accept(value);
    }

    @Override
    public void onError(Throwable t) {
      outcome.done(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      outcome.done(null);
    }
  }

  /** What one RPC measured in one mode, summed over its slices. */
  private static final class Result {
    final Histogram latency = new Histogram(3);

    /** The open loop's: how late each call left after its intended send time. */
    final Histogram lateness = new Histogram(3);

    long calls;
    long failures;
    double seconds;
    final Map<String, Long> failureCodes = new TreeMap<>();
    CpuTimes cpu = CpuTimes.none();
    double wallSeconds;

    void add(Histogram h, long calls, long failures, double seconds) {
      latency.add(h);
      this.calls += calls;
      this.failures += failures;
      this.seconds += seconds;
    }

    double perSecond() {
      return calls / seconds;
    }

    /** Cores busy on average while this RPC ran, by process. */
    String coresBusy() {
      return String.format(
          "%.2f / %.2f / %.2f",
          cpu.server() / 1e9 / wallSeconds,
          cpu.database() / 1e9 / wallSeconds,
          cpu.loadGenerator() / 1e9 / wallSeconds);
    }

    /** CPU per call in microseconds, by process (the closed loop's ramp-ups included). */
    String cpuPerCall() {
      double calls = perSecond() * wallSeconds;
      return String.format(
          "%.0f / %.0f / %.0f",
          cpu.server() / 1e3 / calls,
          cpu.database() / 1e3 / calls,
          cpu.loadGenerator() / 1e3 / calls);
    }

    /** The server's CPU per call in microseconds, by thread group. */
    String serverCpuPerCallByThread() {
      double calls = perSecond() * wallSeconds;
      StringBuilder out = new StringBuilder();
      long named = 0;
      for (ServerThreads g : ServerThreads.values()) {
        // "other" is the rest of the process's time: a thread that ended during a slice took its
        // time out of the per-thread sums, not out of the process's.
        long nanos =
            g == ServerThreads.OTHER
                ? cpu.server() - named
                : cpu.serverThreads().getOrDefault(g, 0L);
        named += nanos;
        out.append(out.isEmpty() ? "" : ", ")
            .append(g.label)
            .append(String.format(" %.1f", nanos / 1e3 / calls));
      }
      return out.toString();
    }
  }

  /**
   * CPU time used so far, in nanoseconds: by the server's JVM (this process's parent), by its
   * PostgreSQL server (the postmaster and its processes), and by this JVM. Read from /proc (Linux);
   * zero elsewhere.
   */
  private record CpuTimes(
      long server, long database, long loadGenerator, Map<ServerThreads, Long> serverThreads) {
    /** Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    static CpuTimes none() {
      return new CpuTimes(0, 0, 0, new EnumMap<>(ServerThreads.class));
    }

    static CpuTimes now(long databasePid) {
      ProcessHandle self = ProcessHandle.current();
      // A backend that exited leaves the sum of the live processes: its time moves into the
      // postmaster's counters of its ended children, which count here too.
      long database =
          ProcessHandle.of(databasePid)
              .map(
                  postmaster ->
                      endedChildrenTicks(proc(postmaster.pid()))
                          + Stream.concat(Stream.of(postmaster), postmaster.descendants())
                              .mapToLong(p -> ticks(proc(p.pid())))
                              .sum())
              .orElse(0L);
      long serverPid = self.parent().map(ProcessHandle::pid).orElse(0L);
      return new CpuTimes(
          ticks(proc(serverPid)) * NANOS_PER_TICK,
          database * NANOS_PER_TICK,
          ticks(proc(self.pid())) * NANOS_PER_TICK,
          byThreadGroup(serverPid));
    }

    private static Path proc(long pid) {
      return Path.of("/proc", Long.toString(pid));
    }

    /** The server's CPU time by thread group, from each of its threads' /proc entries. */
    private static Map<ServerThreads, Long> byThreadGroup(long pid) {
      Map<ServerThreads, Long> out = new EnumMap<>(ServerThreads.class);
      try (Stream<Path> tasks = Files.list(proc(pid).resolve("task"))) {
        tasks.forEach(
            task -> {
              String name = threadName(task);
              ServerThreads group = name == null ? ServerThreads.OTHER : ServerThreads.of(name);
              // "other" is not summed here: the report takes it from the process's own time.
              if (group != ServerThreads.OTHER) {
                out.merge(group, ticks(task) * NANOS_PER_TICK, Long::sum);
              }
            });
      } catch (IOException | RuntimeException e) {
        // the process ended, or this is not Linux: no breakdown
      }
      return out;
    }

    private static String threadName(Path task) {
      try {
        return Files.readAllLines(task.resolve("comm")).get(0);
      } catch (IOException | RuntimeException e) {
        return null; // the thread ended
      }
    }

    /** A process's or thread's utime + stime in ticks, from its /proc directory. */
    private static long ticks(Path procEntry) {
      return statSum(procEntry, 11);
    }

    /**
     * A process's cutime + cstime in ticks: the time of its children that ended and were reaped.
     */
    private static long endedChildrenTicks(Path procEntry) {
      return statSum(procEntry, 13);
    }

    /**
     * Two adjacent counters of a /proc stat file, by their index after the command name (which may
     * hold spaces, in parentheses): state is index 0, utime 11, stime 12, cutime 13, cstime 14.
     */
    private static long statSum(Path procEntry, int first) {
      try {
        // not Files.readString: it trusts the file size, which /proc reports as 0
        String stat = Files.readAllLines(procEntry.resolve("stat")).get(0);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return Long.parseLong(f[first]) + Long.parseLong(f[first + 1]);
      } catch (IOException | RuntimeException e) {
        return 0; // the process ended, or this is not Linux
      }
    }

    CpuTimes plus(CpuTimes after, CpuTimes before) {
      Map<ServerThreads, Long> threads = new EnumMap<>(serverThreads);
      after.serverThreads.forEach(
          (g, t) -> threads.merge(g, t - before.serverThreads.getOrDefault(g, 0L), Long::sum));
      return new CpuTimes(
          server + after.server - before.server,
          database + after.database - before.database,
          loadGenerator + after.loadGenerator - before.loadGenerator,
          threads);
    }
  }

  /**
   * The server JVM's threads by what they do, named as Linux shows them (at most 15 characters):
   * where GetPrompt's extra CPU per call goes.
   */
  private enum ServerThreads {
    TRANSPORT("transport (gRPC event loops)"),
    GC("garbage collector"),
    JIT("JIT compilers"),
    EXPOSURES("exposure writer"),
    // Last: the report computes it as the process's time the groups above did not take.
    OTHER("other");

    final String label;

    ServerThreads(String label) {
      this.label = label;
    }

    static ServerThreads of(String threadName) {
      if (threadName.startsWith("grpc-default-")) {
        return TRANSPORT;
      }
      if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
        return GC;
      }
      if (threadName.contains("Compiler")) {
        return JIT;
      }
      return threadName.startsWith("exposure-writer") ? EXPOSURES : OTHER;
    }
  }

  /** Counts a slice's answered and failed calls and records the answered calls' latencies. */
  private static final class Tally {
    final Recorder latency = new Recorder(3);
    final Recorder lateness = new Recorder(3);
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final Map<String, LongAdder> codes = new ConcurrentHashMap<>();

    /**
     * A failed call counts as a failure only: a quick refusal is no answer, and must neither lower
     * the latencies nor raise the throughput.
     */
    void record(long nanos, Status failure) {
      if (failure == null) {
        latency.recordValue(Math.max(1, nanos));
        calls.increment();
      } else {
        failures.increment();
        codes.computeIfAbsent(failure.getCode().name(), k -> new LongAdder()).increment();
      }
    }

    void into(Result result, double seconds) {
      result.add(latency.getIntervalHistogram(), calls.sum(), failures.sum(), seconds);
      result.lateness.add(lateness.getIntervalHistogram());
      codes.forEach((k, v) -> result.failureCodes.merge(k, v.sum(), Long::sum));
    }
  }

  /**
   * Sends {@code rate} calls per second for {@code seconds}, each at its intended time (or at once
   * when the sender is late), and records every call's latency from its intended time. The calls
   * are sent by the connections' own event loops, each every {@code CONNECTIONS}-th call on its
   * connection: a sender thread of its own would have to wake an event loop for every call, which
   * costs the load generator more CPU than the call itself and, on two cores, takes it from the
   * server whose latency is measured.
   */
  private void openLoop(Rpc rpc, int rate, double seconds, SplittableRandom random, Tally t)
      throws InterruptedException {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long calls = Math.round(rate * seconds);
    Outstanding outstanding = new Outstanding();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    CountDownLatch sent = new CountDownLatch(channels.size());
    for (int k = 0; k < channels.size(); k++) {
      // A group of one thread: next() is always the loop that serves channel k.
      EventLoop loop = groups.get(k).next();
      loop.execute(
          new Sender(
              rpc,
              loop,
              channels.get(k),
              random.split(),
              new Schedule(start, interval, k, channels.size(), calls),
              t,
              outstanding,
              sent));
    }
    if (!sent.await(Math.round(seconds) + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(rpc.name() + ": calls still unsent 60 s after the end");
    }
    outstanding.awaitNone();
  }

  /**
   * The intended send times of one connection's calls: every {@code stride}-th from {@code first}.
   */
  private record Schedule(long start, long interval, long first, long stride, long calls) {}

  /**
   * Sends one connection's share of the open loop from its event loop: every call whose intended
   * time has come, then a timer for the next one.
   */
  private static final class Sender implements Runnable {
    private final Rpc rpc;
    private final EventLoop loop;
    private final ManagedChannel channel;
    private final SplittableRandom random;
    private final Schedule schedule;
    private final Tally tally;
    private final Outstanding outstanding;
    private final CountDownLatch done;
    private long next;

    Sender(
        Rpc rpc,
        EventLoop loop,
        ManagedChannel channel,
        SplittableRandom random,
        Schedule schedule,
        Tally tally,
        Outstanding outstanding,
        CountDownLatch done) {
      this.rpc = rpc;
      this.loop = loop;
      this.channel = channel;
      this.random = random;
      this.schedule = schedule;
      this.tally = tally;
      this.outstanding = outstanding;
      this.done = done;
      this.next = schedule.first();
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      while (next < schedule.calls()) {
        long intended = schedule.start() + next * schedule.interval();
        if (intended > now) {
          // A send that throws ends this sender: the open loop then fails for its unsent calls.
          var unused = loop.schedule(this, intended - now, TimeUnit.NANOSECONDS);
          return;
        }
        // A late send is the load generator's delay, not the server's: reported beside the latency.
        tally.lateness.recordValue(now - intended);
        outstanding.begin();
        rpc.call(
            channel,
            random,
            true,
            failure -> {
              tally.record(System.nanoTime() - intended, failure);
              outstanding.end();
            });
        next += schedule.stride();
      }
      done.countDown();
    }
  }

  /**
   * Keeps {@code concurrency} calls outstanding for a ramp-up plus {@code seconds}; counts and
   * records the calls that complete inside the measured window.
   */
  private void closedLoop(
      Rpc rpc, int concurrency, double seconds, SplittableRandom random, Tally t)
      throws InterruptedException {
    long measureFrom = System.nanoTime() + RAMP_NANOS;
    long end = measureFrom + Math.round(seconds * 1e9);
    CountDownLatch lanes = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      // Each lane's random is split off before the calls start: completions run on transport
      // threads, and SplittableRandom is not thread-safe.
      new Lane(rpc, this::channel, random.split(), measureFrom, end, t, lanes).next();
    }
    if (!lanes.await(Math.round(seconds) + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(rpc.name() + ": calls still outstanding 60 s after the end");
    }
  }

  /** One outstanding call of the closed loop: when it completes, the next one is sent. */
  private static final class Lane {
    private final Rpc rpc;
    private final Supplier<ManagedChannel> channel;
    private final SplittableRandom random;
    private final long measureFrom;
    private final long end;
    private final Tally tally;
    private final CountDownLatch done;

    Lane(
        Rpc rpc,
        Supplier<ManagedChannel> channel,
        SplittableRandom random,
        long measureFrom,
        long end,
        Tally t,
        CountDownLatch d) {
      this.rpc = rpc;
      this.channel = channel;
      this.random = random;
      this.measureFrom = measureFrom;
      this.end = end;
      this.tally = t;
      this.done = d;
    }

    void next() {
      long sent = System.nanoTime();
      rpc.call(
          channel.get(),
          random,
          sent >= measureFrom,
          failure -> {
            long now = System.nanoTime();
            if (sent >= measureFrom && now <= end) {
              tally.record(now - sent, failure);
            }
            if (now < end) {
              next();
            } else {
              done.countDown();
            }
          });
    }
  }

  /** Calls sent and not yet answered. */
  private static final class Outstanding {
    private long count;

    synchronized void begin() {
      count++;
    }

    synchronized void end() {
      if (--count == 0) {
        notifyAll();
      }
    }

    synchronized void awaitNone() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (count > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(count + " calls still outstanding after 60 s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  /** Runs one mode: slices of the baseline and GetPrompt, alternating. */
  private interface Mode {
    void run(Rpc rpc, double seconds, SplittableRandom random, Tally t) throws InterruptedException;
  }

  private Result[] measure(Mode mode, double seconds, SplittableRandom random)
      throws InterruptedException {
    Result[] results = {new Result(), new Result()};
    Rpc[] rpcs = {echo, getPrompt};
    double slice = seconds / SLICES;
    for (int s = 0; s < SLICES; s++) {
      for (int k = 0; k < rpcs.length; k++) {
        Tally t = new Tally();
        CpuTimes before = CpuTimes.now(databasePid);
        long started = System.nanoTime();
        mode.run(rpcs[k], slice, random, t);
        results[k].wallSeconds += (System.nanoTime() - started) / 1e9;
        results[k].cpu = results[k].cpu.plus(CpuTimes.now(databasePid), before);
        t.into(results[k], slice);
      }
    }
    return results;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions o = BenchOptions.parse(args);
    PromptLoadGenerator g = new PromptLoadGenerator(o.port(), o.accounts(), o.databasePid());
    SplittableRandom random = new SplittableRandom(42);
    try {
      System.out.printf(
          "load generator: pid %d, %d connections to 127.0.0.1:%d; warm-up %d s%n",
          ProcessHandle.current().pid(), CONNECTIONS, o.port(), o.warmupSeconds());
      Tally discard = new Tally();
      double halfWarmup = o.warmupSeconds() / 2.0;
      g.warmingUp = true;
      g.closedLoop(g.echo, o.concurrency(), halfWarmup, random, discard);
      g.closedLoop(g.getPrompt, o.concurrency(), halfWarmup, random, discard);
      g.warmingUp = false;
      g.answers.snapshotAndReset();

      // The closed loop first: an overloaded open loop leaves the server's queues full for a while,
      // which would cut the maximum throughput measured after it.
      Result[] closed =
          g.measure(
              (rpc, seconds, r, t) -> g.closedLoop(rpc, o.concurrency(), seconds, r, t),
              o.seconds(),
              random);
      Map<String, Long> closedAnswers = g.answers.snapshotAndReset();
      Result[] open =
          g.measure(
              (rpc, seconds, r, t) -> g.openLoop(rpc, o.rate(), seconds, r, t),
              o.seconds(),
              random);
      report(o, open, closed, g.answers.snapshotAndReset(), closedAnswers);
    } finally {
      g.channels.forEach(ManagedChannel::shutdownNow);
      for (EventLoopGroup group : g.groups) {
        var unused = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }

  private static void report(
      BenchOptions o,
      Result[] open,
      Result[] closed,
      Map<String, Long> openAnswers,
      Map<String, Long> closedAnswers) {
    String[] names = {ECHO_NAME, "GetPrompt"};
    System.out.printf(
        "%nopen loop: %,d calls/s intended, %.0f s per RPC; latency from the intended send time"
            + " (ms)%n",
        o.rate(), o.seconds());
    System.out.printf(
        "  %-20s %9s %9s %7s %7s %7s %7s %7s %7s%n",
        "rpc", "answered", "per s", "failed", "p50", "p90", "p99", "p99.9", "max");
    for (int k = 0; k < 2; k++) {
      printPercentiles(
          String.format(
              "%-20s %9d %9.0f %7d",
              names[k], open[k].calls, open[k].perSecond(), open[k].failures),
          open[k].latency);
    }
    System.out.printf("  the load generator's own delay: how late calls left (ms)%n");
    for (int k = 0; k < 2; k++) {
      printPercentiles(String.format("%-20s %9s %9s %7s", names[k], "", "", ""), open[k].lateness);
    }
    System.out.printf(
        "%nclosed loop: %d calls outstanding, %.0f s per RPC (latency from the actual send, ms)%n",
        o.concurrency(), o.seconds());
    System.out.printf(
        "  %-20s %9s %9s %7s %7s %7s %7s%n",
        "rpc", "answered", "per s", "failed", "p50", "p99", "max");
    for (int k = 0; k < 2; k++) {
      Histogram h = closed[k].latency;
      System.out.printf(
          "  %-20s %9d %9.0f %7d %7.3f %7.3f %7.3f%n",
          names[k],
          closed[k].calls,
          closed[k].perSecond(),
          closed[k].failures,
          ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()));
    }
    double ratio = closed[1].perSecond() / closed[0].perSecond();
    System.out.printf("  GetPrompt / echo throughput: %.3f%n", ratio);
    for (int k = 0; k < 2; k++) {
      for (Result r : k == 0 ? open : closed) {
        if (!r.failureCodes.isEmpty()) {
          System.out.printf(
              "  failures (%s loop): %s%n", k == 0 ? "open" : "closed", r.failureCodes);
        }
      }
    }
    System.out.printf(
        "%nCPU (server JVM / PostgreSQL / load generator)    cores busy              us per"
            + " call%n");
    for (int k = 0; k < 2; k++) {
      System.out.printf(
          "  closed loop, %-20s %-23s %s%n",
          names[k], closed[k].coresBusy(), closed[k].cpuPerCall());
    }
    for (int k = 0; k < 2; k++) {
      System.out.printf(
          "  open loop,   %-20s %-23s %s%n", names[k], open[k].coresBusy(), open[k].cpuPerCall());
    }
    System.out.printf("  server us per call by thread, closed loop:%n");
    for (int k = 0; k < 2; k++) {
      System.out.printf("    %-20s %s%n", names[k], closed[k].serverCpuPerCallByThread());
    }
    System.out.printf("%nGetPrompt answers, open loop:   %s%n", shares(openAnswers));
    System.out.printf("GetPrompt answers, closed loop: %s%n", shares(closedAnswers));

    long p99 = open[1].latency.getValueAtPercentile(99);
    System.out.printf("%ntargets (issue #13, 2-core machine):%n");
    System.out.printf(
        "  GetPrompt p99 < 2 ms at %,d calls/s (open loop%s): %.3f ms  %s%n",
        TARGET_RATE,
        o.rate() == TARGET_RATE ? "" : String.format(", measured at %,d/s", o.rate()),
        ms(p99),
        verdict(o.rate() == TARGET_RATE && p99 < TARGET_P99_NANOS && open[1].failures == 0));
    System.out.printf(
        "  GetPrompt max throughput >= 0.7 x echo (closed loop): %.3f  %s%n",
        ratio, verdict(ratio >= TARGET_THROUGHPUT_RATIO && closed[1].failures == 0));
  }

  /**
   * One row of the open loop's table: its leading columns, then p50, p90, p99, p99.9, max in ms.
   */
  private static void printPercentiles(String leading, Histogram h) {
    System.out.printf(
        "  %s %7.3f %7.3f %7.3f %7.3f %7.3f%n",
        leading,
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()));
  }

  private static String verdict(boolean pass) {
    return pass ? "PASS" : "FAIL";
  }

  private static String shares(Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder out = new StringBuilder();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                out.append(out.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(String.format(" %.1f%%", 100.0 * e.getValue() / Math.max(1, total))));
    return out.toString();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
