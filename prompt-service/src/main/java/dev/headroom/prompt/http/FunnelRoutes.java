package dev.headroom.prompt.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.prompt.events.PromptFunnel;
import dev.headroom.prompt.mapping.FunnelProtos;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/prompt-funnel?from=…&to=…[&campaign_id=…]}: GetPromptFunnel as JSON (the proto3
 * JSON mapping of GetPromptFunnelResponse: lowerCamelCase names, 64-bit integers as strings).
 * Errors have the kit's HTTP error shape with the same fields as over gRPC.
 */
public final class FunnelRoutes {
  public static final String PATH = "/v1/prompt-funnel";

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final PromptFunnel funnel;
  private final HttpErrors errors;

  public FunnelRoutes(PromptFunnel funnel, HttpErrors errors) {
    this.funnel = funnel;
    this.errors = errors;
  }

  public void register(HttpRouting.Builder routing) {
    routing.get(PATH, this::funnel);
  }

  private void funnel(ServerRequest req, ServerResponse res) {
    try {
      FunnelProtos.Query q =
          FunnelProtos.query(
              req.query().first("from").asOptional(),
              req.query().first("to").asOptional(),
              req.query().first("campaign_id").asOptional());
      String body =
          PRINTER.print(FunnelProtos.toProto(funnel.between(q.from(), q.to(), q.campaignId())));
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(body.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException e) {
      errors.send(res, new IllegalStateException("the funnel cannot be printed as JSON", e));
    } catch (RuntimeException e) {
      errors.send(res, e);
    }
  }
}
