package dev.headroom.crm.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.DeleteConnectionRequest;
import dev.headroom.api.crm.v1.DeleteWorkflowRuleRequest;
import dev.headroom.api.crm.v1.GetConnectionRequest;
import dev.headroom.api.crm.v1.GetFieldMappingsRequest;
import dev.headroom.api.crm.v1.ListAuditEntriesRequest;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.ListWorkflowRulesRequest;
import dev.headroom.api.crm.v1.PreviewSyncRequest;
import dev.headroom.api.crm.v1.ReplayFailedRecordsRequest;
import dev.headroom.api.crm.v1.ReplayRuleActionsRequest;
import dev.headroom.api.crm.v1.TestConnectionRequest;
import dev.headroom.api.crm.v1.TriggerSyncRequest;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.crm.v1.UpdateFieldMappingsRequest;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleRequest;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.http.JsonRoute;
import io.grpc.stub.StreamObserver;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The admin API of {@code headroom.crm.v1.CrmConnectorService} as HTTP JSON routes, for RevOps
 * admins and the web console. Each route reads the RPC's request message in the proto3 JSON mapping
 * ({@link ProtoJson}) and hands it to the very adapter the gRPC server calls, so validation, use
 * cases, audit and answers cannot differ between the two transports: a mistake gets the same
 * status, reason, field and message over both (rendered by the kit's {@link HttpErrors}).
 *
 * <ul>
 *   <li>Reads are {@code GET}: path parameters and query parameters are the request's fields by
 *       their proto or JSON name ({@code ?page_size=50&statuses=RECORD_STATUS_DEAD_LETTERED}); a
 *       repeated field is given once per value.
 *   <li>Changes are {@code POST} to a {@code :verb} path with the request message as the JSON body
 *       ({@link JsonRoute}: 405, 415, 413 and 400 for a body that is not a JSON object).
 *   <li>Who made a change is the request's {@code actor} field, as over gRPC; it is what {@code GET
 *       /v1/audit-entries} shows.
 * </ul>
 *
 * WatchOpportunities is a stream for services (prompt-service) and has no route.
 */
public final class CrmRoutes {
  private final CrmConnectorServiceGrpc.AsyncService api;

  private final HttpErrors errors;

  public CrmRoutes(CrmConnectorServiceGrpc.AsyncService api, HttpErrors errors) {
    this.api = api;
    this.errors = errors;
  }

  public void register(HttpRouting.Builder r) {
    get(r, "/v1/connections", ListConnectionsRequest.getDefaultInstance(), api::listConnections);
    get(
        r,
        "/v1/connections/{connection_id}",
        GetConnectionRequest.getDefaultInstance(),
        api::getConnection);
    post(
        r,
        "/v1/connections:create",
        CreateConnectionRequest.getDefaultInstance(),
        api::createConnection);
    post(
        r,
        "/v1/connections:update",
        UpdateConnectionRequest.getDefaultInstance(),
        api::updateConnection);
    post(
        r,
        "/v1/connections:delete",
        DeleteConnectionRequest.getDefaultInstance(),
        api::deleteConnection);
    post(
        r, "/v1/connections:test", TestConnectionRequest.getDefaultInstance(), api::testConnection);
    get(
        r,
        "/v1/connections/{connection_id}/field-mappings",
        GetFieldMappingsRequest.getDefaultInstance(),
        api::getFieldMappings);
    post(
        r,
        "/v1/field-mappings:update",
        UpdateFieldMappingsRequest.getDefaultInstance(),
        api::updateFieldMappings);
    get(
        r,
        "/v1/connections/{connection_id}/workflow-rules",
        ListWorkflowRulesRequest.getDefaultInstance(),
        api::listWorkflowRules);
    post(
        r,
        "/v1/workflow-rules:create",
        CreateWorkflowRuleRequest.getDefaultInstance(),
        api::createWorkflowRule);
    post(
        r,
        "/v1/workflow-rules:update",
        UpdateWorkflowRuleRequest.getDefaultInstance(),
        api::updateWorkflowRule);
    post(
        r,
        "/v1/workflow-rules:delete",
        DeleteWorkflowRuleRequest.getDefaultInstance(),
        api::deleteWorkflowRule);
    post(r, "/v1/syncs:preview", PreviewSyncRequest.getDefaultInstance(), api::previewSync);
    post(r, "/v1/syncs:trigger", TriggerSyncRequest.getDefaultInstance(), api::triggerSync);
    get(
        r,
        "/v1/connections/{connection_id}/sync-runs",
        ListSyncRunsRequest.getDefaultInstance(),
        api::listSyncRuns);
    get(r, "/v1/sync-records", ListSyncRecordsRequest.getDefaultInstance(), api::listSyncRecords);
    post(
        r,
        "/v1/sync-records:replay",
        ReplayFailedRecordsRequest.getDefaultInstance(),
        api::replayFailedRecords);
    get(r, "/v1/rule-actions", ListRuleActionsRequest.getDefaultInstance(), api::listRuleActions);
    post(
        r,
        "/v1/rule-actions:replay",
        ReplayRuleActionsRequest.getDefaultInstance(),
        api::replayRuleActions);
    get(
        r,
        "/v1/audit-entries",
        ListAuditEntriesRequest.getDefaultInstance(),
        api::listAuditEntries);
  }

  /** A unary RPC of the adapter, as the generated service interface declares it. */
  @FunctionalInterface
  private interface Rpc<Q, A> {
    void call(Q request, StreamObserver<A> answer);
  }

  private <Q extends Message, A extends Message> void post(
      HttpRouting.Builder r, String path, Q prototype, Rpc<Q, A> rpc) {
    JsonRoute.post(
            path,
            errors,
            JsonRoute.DEFAULT_MAX_BODY_BYTES,
            body -> ProtoJson.tree(call(rpc, ProtoJson.read(body.json(), prototype))))
        .register(r);
  }

  private <Q extends Message, A extends Message> void get(
      HttpRouting.Builder r, String path, Q prototype, Rpc<Q, A> rpc) {
    r.get(
        path,
        (req, res) -> {
          try {
            A answer = call(rpc, ProtoJson.read(parameters(req, prototype), prototype));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(ProtoJson.print(answer).getBytes(StandardCharsets.UTF_8));
          } catch (RuntimeException e) {
            errors.send(res, e);
          }
        });
    r.any(
        path,
        (req, res) -> {
          res.header(HeaderNames.ALLOW, "GET");
          errors.sendInvalid(
              res, 405, "", "method " + req.prologue().method().text() + " not allowed; use GET");
        });
  }

  /**
   * The path's and the query's parameters as a JSON object of the request's fields: a repeated
   * field as an array of every value given, any other field given once.
   */
  private static ObjectNode parameters(ServerRequest req, Message prototype) {
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    DomainException.Violations v = new DomainException.Violations();
    Parameters path = req.path().pathParameters();
    for (String name : path.names()) {
      fields.put(name, path.get(name));
    }
    Parameters query = req.query();
    for (String name : query.names()) {
      List<String> values = query.all(name);
      FieldDescriptor f = ProtoJson.field(prototype.getDescriptorForType(), name);
      if (f != null && (fields.has(f.getName()) || fields.has(f.getJsonName()))) {
        v.add(f.getName(), "given in the path; leave it out of the query");
      } else if (f != null && f.isRepeated()) {
        values.forEach(fields.putArray(name)::add);
      } else if (values.size() > 1) {
        v.add(f == null ? name : f.getName(), "given " + values.size() + " times; give it once");
      } else {
        fields.put(name, values.get(0));
      }
    }
    v.throwIfAny();
    return fields;
  }

  private static <Q, A> A call(Rpc<Q, A> rpc, Q request) {
    Answer<A> answer = new Answer<>();
    rpc.call(request, answer);
    return answer.get();
  }

  /** The one answer of a unary call; the adapter throws its DomainExceptions, or reports here. */
  private static final class Answer<A> implements StreamObserver<A> {
    private A value;
    private Throwable error;
    private boolean completed;

    @Override
    public void onNext(A v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    A get() {
      if (error instanceof RuntimeException e) {
        throw e;
      }
      if (error != null || !completed || value == null) {
        throw new IllegalStateException("the admin API answered no message", error);
      }
      return value;
    }
  }
}
