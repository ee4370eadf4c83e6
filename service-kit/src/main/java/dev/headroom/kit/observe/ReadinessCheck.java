package dev.headroom.kit.observe;

/**
 * Something a service needs before it can serve (its database, a warmed cache). Must return
 * promptly.
 */
public interface ReadinessCheck {
  String name();

  CheckResult check();
}
