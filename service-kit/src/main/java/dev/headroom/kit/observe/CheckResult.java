package dev.headroom.kit.observe;

/**
 * Outcome of one readiness check; {@code detail} is shown on /observe/health, so it never carries
 * secrets.
 */
public record CheckResult(String name, boolean up, String detail) {
  public static CheckResult up(String name) {
    return new CheckResult(name, true, "");
  }

  public static CheckResult down(String name, String detail) {
    return new CheckResult(name, false, detail);
  }
}
