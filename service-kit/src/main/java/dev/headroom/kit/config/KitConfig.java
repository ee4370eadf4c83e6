package dev.headroom.kit.config;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A service's configuration, read once at startup: YAML defaults overridden by environment
 * variables.
 *
 * <p>Key {@code grpc.port} of service {@code signal} is looked up as {@code
 * HEADROOM_SIGNAL_GRPC_PORT}, then as the shared {@code HEADROOM_GRPC_PORT}, then in the YAML
 * defaults. The shared form lets one variable such as {@code HEADROOM_DATABASE_URL} serve every
 * service of an all-in-one deployment while a service-specific variable still wins. Services read
 * this into their own records once in {@code main}; nothing here is global.
 */
public final class KitConfig {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final String service;
  private final Map<String, String> defaults;
  private final Map<String, String> env;

  /**
   * @param service short service name, e.g. {@code signal}; part of the environment variable names
   * @param defaults flattened YAML defaults ({@code grpc.port -> "9090"})
   * @param env the process environment (pass {@code System.getenv()} in main, a map in tests)
   */
  public KitConfig(String service, Map<String, String> defaults, Map<String, String> env) {
    if (service == null || !service.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("service name must match [a-z][a-z0-9-]*: " + service);
    }
    this.service = service;
    this.defaults = Map.copyOf(defaults);
    this.env = Map.copyOf(env);
  }

  /**
   * Reads the defaults from a YAML classpath resource (e.g. {@code signal.yaml}) and applies {@code
   * env} on top.
   */
  public static KitConfig load(
      String service, String resource, ClassLoader loader, Map<String, String> env) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(
            resource, "configuration resource not found on the classpath: " + resource);
      }
      // SafeConstructor: configuration never instantiates arbitrary classes.
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      Map<String, String> flat = new LinkedHashMap<>();
      if (root != null) {
        if (!(root instanceof Map<?, ?> map)) {
          throw new ConfigException(resource, "top level of " + resource + " must be a mapping");
        }
        flatten("", map, flat, resource);
      }
      return new KitConfig(service, flat, env);
    } catch (IOException e) {
      throw new ConfigException(resource, "cannot read " + resource, e);
    }
  }

  private static void flatten(
      String prefix, Map<?, ?> map, Map<String, String> out, String resource) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      switch (e.getValue()) {
        case null -> {
          /* an explicit null means "no default": the key stays required */
        }
        case Map<?, ?> nested -> flatten(key, nested, out, resource);
        case List<?> list ->
            throw new ConfigException(
                key, resource + ": lists are not supported (key " + key + ")");
        case Object scalar -> out.put(key, String.valueOf(scalar));
      }
    }
  }

  public String service() {
    return service;
  }

  /**
   * Environment variable that overrides {@code key} for this service, e.g. {@code
   * HEADROOM_SIGNAL_GRPC_PORT}.
   */
  public String serviceEnvName(String key) {
    return "HEADROOM_" + envPart(service) + "_" + envPart(key);
  }

  /** Environment variable shared by all services, e.g. {@code HEADROOM_DATABASE_URL}. */
  public static String sharedEnvName(String key) {
    return "HEADROOM_" + envPart(key);
  }

  private static String envPart(String s) {
    return s.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private record Raw(String value, String source) {}

  private Optional<Raw> raw(String key) {
    String specific = serviceEnvName(key);
    if (env.containsKey(specific)) {
      return Optional.of(new Raw(env.get(specific).trim(), "environment variable " + specific));
    }
    String shared = sharedEnvName(key);
    if (env.containsKey(shared)) {
      return Optional.of(new Raw(env.get(shared).trim(), "environment variable " + shared));
    }
    return Optional.ofNullable(defaults.get(key)).map(v -> new Raw(v.trim(), "defaults"));
  }

  private Raw required(String key) {
    return raw(key)
        .orElseThrow(
            () ->
                new ConfigException(
                    key,
                    "missing configuration key '"
                        + key
                        + "' (set "
                        + serviceEnvName(key)
                        + " or add it to the defaults)"));
  }

  public boolean has(String key) {
    return raw(key).isPresent();
  }

  public String string(String key) {
    return required(key).value();
  }

  public String string(String key, String fallback) {
    return raw(key).map(Raw::value).orElse(fallback);
  }

  public Optional<String> optionalString(String key) {
    return raw(key).map(Raw::value).filter(v -> !v.isEmpty());
  }

  public int integer(String key) {
    return parseInt(key, required(key));
  }

  public int integer(String key, int fallback) {
    return raw(key).map(r -> parseInt(key, r)).orElse(fallback);
  }

  /**
   * A required int within [min, max]; the range is part of the contract, so violations fail at
   * startup.
   */
  public int integer(String key, int min, int max) {
    return inRange(key, integer(key), min, max);
  }

  /** An int within [min, max]; the range is part of the contract, so violations fail at startup. */
  public int integer(String key, int fallback, int min, int max) {
    return inRange(key, integer(key, fallback), min, max);
  }

  private static int inRange(String key, int v, int min, int max) {
    if (v < min || v > max) {
      throw new ConfigException(
          key,
          "configuration key '"
              + key
              + "' must be between "
              + min
              + " and "
              + max
              + " but was "
              + v);
    }
    return v;
  }

  private static int parseInt(String key, Raw raw) {
    try {
      return Integer.parseInt(raw.value());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          key,
          "configuration key '"
              + key
              + "' from "
              + raw.source()
              + " must be an integer but was '"
              + raw.value()
              + "'",
          e);
    }
  }

  public boolean bool(String key) {
    return parseBool(key, required(key));
  }

  public boolean bool(String key, boolean fallback) {
    return raw(key).map(r -> parseBool(key, r)).orElse(fallback);
  }

  private static boolean parseBool(String key, Raw raw) {
    return switch (raw.value().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new ConfigException(
              key,
              "configuration key '"
                  + key
                  + "' from "
                  + raw.source()
                  + " must be true or false but was '"
                  + raw.value()
                  + "'");
    };
  }

  public Duration duration(String key) {
    return parseDuration(key, required(key));
  }

  public Duration duration(String key, Duration fallback) {
    return raw(key).map(r -> parseDuration(key, r)).orElse(fallback);
  }

  /**
   * Accepts {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code
   * PT5S}).
   */
  private static Duration parseDuration(String key, Raw raw) {
    String v = raw.value().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> throw new IllegalStateException("unreachable unit " + m.group(2));
        };
      }
      Duration d = Duration.parse(raw.value().toUpperCase(Locale.ROOT));
      if (d.isNegative()) {
        throw new DateTimeParseException("negative", v, 0);
      }
      return d;
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new ConfigException(
          key,
          "configuration key '"
              + key
              + "' from "
              + raw.source()
              + " must be a non-negative duration like 500ms, 5s, 2m or PT5S but was '"
              + raw.value()
              + "'",
          e);
    }
  }

  @Override
  public String toString() {
    // Values are deliberately left out: configuration holds passwords and keys.
    return "KitConfig[service=" + service + ", keys=" + defaults.keySet() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KitConfig k
        && k.service.equals(service)
        && k.defaults.equals(defaults)
        && k.env.equals(env);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, defaults, env);
  }
}
