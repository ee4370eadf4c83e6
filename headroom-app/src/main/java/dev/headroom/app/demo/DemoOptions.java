package dev.headroom.app.demo;

import java.util.List;

/**
 * What {@code ./headroom demo} was asked for.
 *
 * @param accounts simulated customer accounts
 * @param days simulated days of usage
 * @param exit stop the platform after the report instead of leaving it running
 * @param seed everything simulated (personas, usage, sales decisions) follows from it
 */
public record DemoOptions(int accounts, int days, boolean exit, long seed) {
  public static final int DEFAULT_ACCOUNTS = 2_000;
  public static final int DEFAULT_DAYS = 90;
  public static final long DEFAULT_SEED = 42;

  public DemoOptions {
    if (accounts < 1 || accounts > 100_000) {
      throw new IllegalArgumentException("--accounts must be 1-100000, got " + accounts);
    }
    if (days < 1 || days > 365) {
      throw new IllegalArgumentException("--days must be 1-365, got " + days);
    }
  }

  public static String usage() {
    return "usage: headroom-app demo [--accounts N (default 2000)] [--days D (default 90)]"
        + " [--seed S (default 42)] [--exit]";
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the bad argument
   */
  public static DemoOptions parse(List<String> args) {
    int accounts = DEFAULT_ACCOUNTS;
    int days = DEFAULT_DAYS;
    long seed = DEFAULT_SEED;
    boolean exit = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--exit" -> exit = true;
        case "--accounts" -> accounts = Integer.parseInt(value(args, ++i, arg));
        case "--days" -> days = Integer.parseInt(value(args, ++i, arg));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new DemoOptions(accounts, days, exit, seed);
  }

  private static String value(List<String> args, int i, String name) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args.get(i);
  }
}
