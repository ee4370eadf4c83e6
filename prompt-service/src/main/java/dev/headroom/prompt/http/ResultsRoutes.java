package dev.headroom.prompt.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.api.prompt.v1.AnalysisOptions;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataRequest;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataResponse;
import dev.headroom.api.prompt.v1.GetExperimentResultsResponse;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.http.JsonRoute;
import dev.headroom.prompt.mapping.ResultsProtos;
import dev.headroom.prompt.results.ExperimentReports;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The experiment results as JSON for the experiments team, in the proto3 JSON mapping of
 * GetExperimentResultsResponse and AnalyzeExperimentDataResponse (field names in lowerCamelCase,
 * 64-bit integers as strings, unset optional numbers left out):
 *
 * <ul>
 *   <li>{@code GET /v1/experiments/{id}/results[?sequential=true]}
 *   <li>{@code POST /v1/experiments:analyze} with an AnalyzeExperimentDataRequest as JSON
 * </ul>
 *
 * Errors have the kit's HTTP error shape with the same reasons and fields as over gRPC.
 */
public final class ResultsRoutes {
  public static final String RESULTS_PATH = "/v1/experiments/{id}/results";
  public static final String ANALYZE_PATH = "/v1/experiments:analyze";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final ExperimentReports reports;
  private final HttpErrors errors;

  public ResultsRoutes(ExperimentReports reports, HttpErrors errors) {
    this.reports = reports;
    this.errors = errors;
  }

  public void register(HttpRouting.Builder routing) {
    routing.get(RESULTS_PATH, this::results);
    JsonRoute.post(ANALYZE_PATH, errors, JsonRoute.DEFAULT_MAX_BODY_BYTES, this::analyze)
        .register(routing);
  }

  private void results(ServerRequest req, ServerResponse res) {
    try {
      String id = req.path().pathParameters().get("id");
      Optional<String> sequential = req.query().first("sequential").asOptional();
      if (sequential.isPresent() && !sequential.get().matches("true|false")) {
        throw DomainException.InvalidArgument.of("sequential", "true or false");
      }
      AnalysisOptions options =
          AnalysisOptions.newBuilder()
              .setSequential(sequential.map(Boolean::parseBoolean).orElse(false))
              .build();
      ExperimentReports.Report report = reports.results(id, ResultsProtos.options(options));
      String body =
          print(
              GetExperimentResultsResponse.newBuilder().setResults(ResultsProtos.toProto(report)));
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(body.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      errors.send(res, e);
    }
  }

  private JsonNode analyze(JsonRoute.Body body) {
    AnalyzeExperimentDataRequest.Builder request = AnalyzeExperimentDataRequest.newBuilder();
    try {
      PARSER.merge(body.json().toString(), request);
    } catch (InvalidProtocolBufferException e) {
      throw DomainException.InvalidArgument.of(
          "", "not an AnalyzeExperimentDataRequest: " + e.getMessage());
    }
    ExperimentReports.Report report =
        reports.analyzeSupplied(ResultsProtos.data(request.build()), request.getCurrencyCode());
    try {
      return JSON.readTree(
          print(
              AnalyzeExperimentDataResponse.newBuilder()
                  .setResults(ResultsProtos.toProto(report))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the printed results are not JSON", e);
    }
  }

  private static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the results cannot be printed as JSON", e);
    }
  }
}
