package dev.headroom.kit.http;

import dev.headroom.kit.config.KitConfig;

/**
 * @param port TCP port of the Helidon server; 0 picks a free one.
 */
public record HttpSettings(String host, int port) {
  public HttpSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be within 0..65535: " + port);
    }
  }

  /** Reads {@code http.host} and {@code http.port} (required: their defaults are in the YAML). */
  public static HttpSettings from(KitConfig c) {
    return new HttpSettings(c.string("http.host"), c.integer("http.port", 0, 65535));
  }
}
