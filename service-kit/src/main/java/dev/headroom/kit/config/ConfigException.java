package dev.headroom.kit.config;

/**
 * A configuration value is missing or malformed; the message always names the key and where it came
 * from.
 */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
