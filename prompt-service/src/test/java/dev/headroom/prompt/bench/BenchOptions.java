package dev.headroom.prompt.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The GetPrompt benchmark's options, the same for the server process and the load generator.
 *
 * <pre>
 *   --accounts N      accounts in the context (default 100,000)
 *   --rate N          open loop: calls per second (default 5,000)
 *   --seconds S       measured seconds per RPC and mode (default 10)
 *   --concurrency N   closed loop: calls outstanding (default 64)
 *   --warmup S        seconds of closed-loop calls before anything is measured (default 30)
 * </pre>
 */
record BenchOptions(
    int accounts,
    int rate,
    double seconds,
    int concurrency,
    int warmupSeconds,
    int port,
    long databasePid) {

  static BenchOptions parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: [--accounts N] [--rate N] [--seconds S] [--concurrency N] [--warmup S];"
                + " got "
                + String.join(" ", args));
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    BenchOptions o =
        new BenchOptions(
            Integer.parseInt(opts.getOrDefault("accounts", "100000")),
            Integer.parseInt(opts.getOrDefault("rate", "5000")),
            Double.parseDouble(opts.getOrDefault("seconds", "10")),
            Integer.parseInt(opts.getOrDefault("concurrency", "64")),
            Integer.parseInt(opts.getOrDefault("warmup", "30")),
            Integer.parseInt(opts.getOrDefault("port", "0")),
            Long.parseLong(opts.getOrDefault("database-pid", "0")));
    if (o.accounts() < 1 || o.rate() < 1 || o.seconds() <= 0 || o.concurrency() < 1) {
      throw new IllegalArgumentException(
          "accounts, rate, seconds and concurrency must be positive");
    }
    return o;
  }

  /**
   * The arguments that give the load generator these options, the server's port and the process id
   * of its PostgreSQL server (0 when unknown).
   */
  String[] forLoadGenerator(int serverPort, long postgresPid) {
    return new String[] {
      "--accounts", Integer.toString(accounts),
      "--rate", Integer.toString(rate),
      "--seconds", Double.toString(seconds),
      "--concurrency", Integer.toString(concurrency),
      "--warmup", Integer.toString(warmupSeconds),
      "--port", Integer.toString(serverPort),
      "--database-pid", Long.toString(postgresPid)
    };
  }
}
