package dev.headroom.prompt.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the {@code <headroom-prompt>} web component from the prompt-plugin jar: {@code GET
 * /assets/headroom-prompt/{version}/headroom-prompt.js}. The version is in the path and a version's
 * file never changes, so browsers and CDNs may keep it for a year; a version the jar does not carry
 * is 404. Host pages on other origins load it as a module script, which the browser fetches with
 * CORS, hence {@code Access-Control-Allow-Origin: *} (a public file, no credentials).
 */
public final class WebComponentRoute {
  public static final String PATH = "/assets/headroom-prompt/{version}/headroom-prompt.js";

  /** Only a plain version may become part of a resource name (no "..", no slashes). */
  private static final Pattern VERSION = Pattern.compile("\\d{1,4}\\.\\d{1,4}\\.\\d{1,4}");

  private final ClassLoader resources;
  private final Map<String, byte[]> scripts = new ConcurrentHashMap<>();

  /**
   * @param resources the class loader that has prompt-plugin's jar
   */
  public WebComponentRoute(ClassLoader resources) {
    this.resources = resources;
  }

  public void register(HttpRouting.Builder routing) {
    routing.get(PATH, this::serve);
  }

  private void serve(ServerRequest req, ServerResponse res) {
    Optional<byte[]> script = script(req.path().pathParameters().get("version"));
    if (script.isEmpty()) {
      res.status(Status.NOT_FOUND_404).send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "text/javascript; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    res.send(script.get());
  }

  /** The script of this version; only versions found are remembered, so the map stays small. */
  private Optional<byte[]> script(String version) {
    if (!VERSION.matcher(version).matches()) {
      return Optional.empty();
    }
    byte[] known = scripts.get(version);
    if (known != null) {
      return Optional.of(known);
    }
    String name = "META-INF/resources/headroom-prompt/" + version + "/headroom-prompt.js";
    try (InputStream in = resources.getResourceAsStream(name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] read = in.readAllBytes();
      scripts.put(version, read);
      return Optional.of(read);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
