package dev.headroom.crm.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stand-in for HubSpot's CRM v3 API with a private-app access token: {@code GET
 * /crm/v3/properties/{objectType}}, {@code POST /crm/v3/objects/{objectType}/batch/upsert} (inputs
 * {@code {idProperty, id, properties, objectWriteTraceId}}, at most 100; property values are
 * strings), batch create with associations inline (at most 100), batch read, search ({@code EQ},
 * {@code IN}), the v4 association batches the connector uses (companies' contacts, deals to
 * companies) and list memberships.
 *
 * <p>Answers like HubSpot: 200 {@code {"status":"COMPLETE","results":[...]}} when every input
 * landed, 207 with {@code errors} and {@code numErrors} when some did not (each error names the
 * input's {@code objectWriteTraceId} in its context), 400 {@code {"status":"error","category":
 * "VALIDATION_ERROR"}} for a malformed batch (over 100 inputs, an unknown property, a non-string
 * value), 401 INVALID_AUTHENTICATION, and 429 RATE_LIMIT with the {@code X-HubSpot-RateLimit-*}
 * headers when the ten-second allowance is spent.
 */
public final class HubSpotStandin extends StandinServer {
  public static final int MAX_INPUTS = 100;
  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final Map<String, Map<String, StandinField>> schemas = new HashMap<>();
  private final Map<String, Set<String>> uniqueProperties = new HashMap<>();
  private final Map<String, Map<String, Map<String, String>>> objects = new HashMap<>();
  private final Map<String, String> rejections = new HashMap<>();

  /**
   * Object ids by type, property and value as upserts and edits wrote them, so an upsert finds its
   * object without a scan (a benchmark writes 100,000 companies); a hit is checked against the
   * object, so a value changed since then is a miss.
   */
  private final Map<String, String> byPropertyValue = new HashMap<>();

  private final Map<String, String> dealCompanies = new HashMap<>();

  /** Associated object ids by "fromType:fromId>toType". */
  private final Map<String, Set<String>> links = new HashMap<>();

  private final Set<String> loseNextResponse = new HashSet<>();
  private final Map<String, String> listNames = new HashMap<>();
  private final Map<String, Set<String>> lists = new HashMap<>();
  private final Deque<Instant> window = new ArrayDeque<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private String token;
  private int tenSecondLimit = 190;

  public HubSpotStandin(Clock clock, String token) {
    super(clock);
    this.token = token;
  }

  /** Companies with the expansion properties and the unique Headroom account id. */
  public static List<StandinField> seedCompanyProperties() {
    return List.of(
        StandinField.of("name", "string"),
        StandinField.of("headroom_account_id", "string"),
        StandinField.of("expansion_readiness_score", "number"),
        StandinField.picklist(
            "expansion_type",
            "enumeration",
            List.of("Seat Add", "Tier Upgrade", "Multi-Product", "Usage Increase", "Enterprise")),
        StandinField.of("expansion_signals", "string"),
        StandinField.picklist(
            "recommended_action",
            "enumeration",
            List.of("Self-serve", "Inside Sales", "Field Sales")),
        StandinField.of("expansion_arr_potential", "number"),
        StandinField.of("last_signal_date", "datetime"),
        StandinField.of("immediate_review", "bool"),
        StandinField.of("hubspot_owner_id", "string"));
  }

  /** A portal set up for Headroom: companies and deals with their unique Headroom keys. */
  public synchronized HubSpotStandin withHeadroomProperties() {
    object("companies", seedCompanyProperties(), Set.of("headroom_account_id"));
    object(
        "contacts",
        List.of(
            StandinField.of("firstname", "string"),
            StandinField.of("lastname", "string"),
            StandinField.of("email", "string"),
            StandinField.of("jobtitle", "string")),
        Set.of("email"));
    object(
        "tasks",
        List.of(
            StandinField.of("hs_task_subject", "string"),
            StandinField.of("hs_task_body", "string"),
            StandinField.of("hs_timestamp", "datetime"),
            StandinField.picklist(
                "hs_task_status",
                "enumeration",
                List.of("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")),
            StandinField.picklist(
                "hs_task_priority", "enumeration", List.of("NONE", "LOW", "MEDIUM", "HIGH")),
            StandinField.picklist("hs_task_type", "enumeration", List.of("EMAIL", "CALL", "TODO")),
            StandinField.of("hubspot_owner_id", "string"),
            StandinField.of("headroom_task_key", "string")),
        Set.of());
    return object("deals", seedDealProperties(), Set.of("headroom_opportunity_key"));
  }

  /** HubSpot's portal id, part of every record URL. */
  public static final long PORTAL_ID = 24_680_135L;

  /** Association type of a task to its company (HUBSPOT_DEFINED). */
  public static final int TASK_TO_COMPANY = 192;

  /** A contact associated with the company of {@code accountId}, as sales entered it; its id. */
  public synchronized String addContact(
      String accountId, String firstName, String lastName, String title) {
    String company = id("companies", "headroom_account_id", accountId).orElseThrow();
    String id = Long.toString(ids.incrementAndGet());
    Map<String, String> contact = new LinkedHashMap<>();
    contact.put("firstname", firstName);
    contact.put("lastname", lastName);
    contact.put("jobtitle", title);
    contact.put("email", firstName.toLowerCase(java.util.Locale.ROOT) + "@example.com");
    objects.get("contacts").put(id, contact);
    link("companies", company, "contacts", id);
    return id;
  }

  /**
   * The next create of {@code objectType} is carried out but answered 502, as when the connection
   * drops after HubSpot committed: the client cannot know it landed.
   */
  public synchronized void loseNextResponse(String objectType) {
    loseNextResponse.add(objectType);
  }

  /** A manual contact list as marketing would have created it; its list id. */
  public synchronized String addList(String name) {
    String id = Long.toString(ids.incrementAndGet());
    listNames.put(id, name);
    lists.put(id, new java.util.TreeSet<>());
    return id;
  }

  /** The contact ids in the list. */
  public synchronized Set<String> listMembers(String listId) {
    return Set.copyOf(lists.getOrDefault(listId, Set.of()));
  }

  /**
   * The ids of the objects of {@code toType} that {@code fromType} {@code fromId} is associated
   * with.
   */
  public synchronized Set<String> associations(String fromType, String fromId, String toType) {
    return Set.copyOf(links.getOrDefault(fromType + ":" + fromId + ">" + toType, Set.of()));
  }

  private void link(String fromType, String fromId, String toType, String toId) {
    links
        .computeIfAbsent(fromType + ":" + fromId + ">" + toType, k -> new java.util.TreeSet<>())
        .add(toId);
  }

  /** Every stored object of a type (property name to value), in creation order. */
  public synchronized List<Map<String, String>> objects(String objectType) {
    return objects.getOrDefault(objectType, Map.of()).values().stream().map(Map::copyOf).toList();
  }

  /** Deals with the unique Headroom opportunity key. */
  public static List<StandinField> seedDealProperties() {
    return List.of(
        StandinField.of("dealname", "string"),
        StandinField.of("amount", "number"),
        StandinField.of("pipeline", "string"),
        StandinField.picklist(
            "dealstage",
            "enumeration",
            List.of("appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost")),
        StandinField.of("closedate", "datetime"),
        StandinField.of("description", "string"),
        StandinField.of("headroom_opportunity_key", "string"),
        StandinField.of("hubspot_owner_id", "string"));
  }

  /** The company a deal is associated with, if any. */
  public synchronized Optional<String> associatedCompany(String dealId) {
    return Optional.ofNullable(dealCompanies.get(dealId));
  }

  public synchronized HubSpotStandin object(
      String objectType, List<StandinField> properties, Set<String> unique) {
    Map<String, StandinField> schema = new LinkedHashMap<>();
    properties.forEach(p -> schema.put(p.name(), p));
    schemas.put(objectType, schema);
    uniqueProperties.put(objectType, Set.copyOf(unique));
    objects.putIfAbsent(objectType, new LinkedHashMap<>());
    return this;
  }

  /** The private app's token was rotated: the old one now gets 401. */
  public synchronized void rotateToken(String newToken) {
    token = newToken;
  }

  public synchronized void tenSecondLimit(int limit) {
    tenSecondLimit = limit;
  }

  /**
   * Inputs whose id, or the value of one of their properties (a task's key), is {@code id} fail
   * with this message until cleared.
   */
  public synchronized void rejectRecord(String id, String message) {
    rejections.put(id, message);
  }

  public synchronized void clearRejections() {
    rejections.clear();
  }

  /** The stored object whose {@code property} equals {@code value}: property name to value. */
  public synchronized Optional<Map<String, String>> object(
      String objectType, String property, String value) {
    Optional<String> id = indexed(objectType, property, value);
    if (id.isPresent()) {
      return Optional.of(Map.copyOf(objects.get(objectType).get(id.get())));
    }
    return objects.getOrDefault(objectType, Map.of()).values().stream()
        .filter(o -> value.equals(o.get(property)))
        .findFirst()
        .map(Map::copyOf);
  }

  /** The HubSpot id of the object whose {@code property} equals {@code value}, if any. */
  public synchronized Optional<String> id(String objectType, String property, String value) {
    return objects.getOrDefault(objectType, Map.of()).entrySet().stream()
        .filter(o -> value.equals(o.getValue().get(property)))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public synchronized int objectCount(String objectType) {
    return objects.getOrDefault(objectType, Map.of()).size();
  }

  @Override
  protected void routes(HttpRouting.Builder r) {
    r.get("/crm/v3/properties/{objectType}", this::properties)
        .post("/crm/v3/objects/{objectType}/batch/upsert", this::upsert)
        .post("/crm/v3/objects/{objectType}/batch/read", this::read)
        .post("/crm/v3/objects/{objectType}/search", this::search)
        .post("/crm/v3/objects/{objectType}/batch/create", this::batchCreate)
        .post("/crm/v4/associations/companies/contacts/batch/read", this::companyContacts)
        .get("/crm/v3/lists/object-type-id/{objectTypeId}/name/{listName}", this::listByName)
        .get("/crm/v3/lists/{listId}", this::listById)
        .put("/crm/v3/lists/{listId}/memberships/add", this::addToList)
        .get("/account-info/v3/details", this::accountInfo)
        .post("/crm/v4/associations/deals/companies/batch/associate/default", this::associate);
  }

  private synchronized void properties(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    Map<String, StandinField> schema = schemas.get(req.path().pathParameters().get("objectType"));
    if (schema == null) {
      record(req, at, List.of(), 404);
      error(res, 404, "OBJECT_NOT_FOUND", "Unable to infer object type");
      return;
    }
    Set<String> unique = uniqueProperties.get(req.path().pathParameters().get("objectType"));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putArray("results");
    for (StandinField f : schema.values()) {
      ObjectNode p =
          results
              .addObject()
              .put("name", f.name())
              .put("label", f.name())
              .put("type", f.type())
              .put("hasUniqueValue", unique.contains(f.name()));
      p.putObject("modificationMetadata").put("readOnlyValue", !f.writable());
      ArrayNode options = p.putArray("options");
      f.options().forEach(o -> options.addObject().put("label", o).put("value", o));
    }
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  /** Batch read by {@code idProperty}: the requested properties of each object found. */
  private synchronized void read(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    String objectType = req.path().pathParameters().get("objectType");
    Optional<JsonNode> parsed = bodyWithArray(req, res, at, "inputs");
    if (parsed.isEmpty()) {
      return;
    }
    String idProperty = parsed.get().path("idProperty").asText("hs_object_id");
    ObjectNode body = JSON.createObjectNode().put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    Map<String, Map<String, String>> store = objects.getOrDefault(objectType, Map.of());
    for (JsonNode in : parsed.get().path("inputs")) {
      String id = in.path("id").asText();
      // By the unique property's index, as HubSpot finds them (no scan of 100,000 companies).
      Optional<String> found =
          idProperty.equals("hs_object_id")
              ? Optional.of(id).filter(store::containsKey)
              : indexed(objectType, idProperty, id);
      found.ifPresent(
          objectId -> {
            ObjectNode r = results.addObject().put("id", objectId).put("archived", false);
            r.put("createdAt", at.toString()).put("updatedAt", at.toString());
            ObjectNode props = r.putObject("properties");
            for (JsonNode p : parsed.get().path("properties")) {
              String value = store.get(objectId).get(p.asText());
              if (value != null) {
                props.put(p.asText(), value);
              }
            }
          });
    }
    body.put("startedAt", at.toString()).put("completedAt", now().toString());
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  /**
   * The JSON body of a request on a known object type with an array {@code field}; otherwise
   * answers 400 VALIDATION_ERROR and returns empty.
   */
  private Optional<JsonNode> bodyWithArray(
      ServerRequest req, ServerResponse res, Instant at, String field) {
    Optional<JsonNode> parsed = jsonBody(req);
    if (schemas.containsKey(req.path().pathParameters().get("objectType"))
        && parsed.isPresent()
        && parsed.get().path(field).isArray()) {
      return parsed;
    }
    record(req, at, List.of(), 400);
    error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: expected " + field);
    return Optional.empty();
  }

  /** Sets properties of a stored object as a CRM user would (e.g. closing a deal). */
  public synchronized void edit(
      String objectType, String property, String value, Map<String, String> values) {
    Map.Entry<String, Map<String, String>> object =
        objects.getOrDefault(objectType, Map.of()).entrySet().stream()
            .filter(o -> value.equals(o.getValue().get(property)))
            .findFirst()
            .orElseThrow();
    object.getValue().putAll(values);
    values.forEach((p, v) -> index(objectType, p, v, object.getKey()));
  }

  private void index(String objectType, String property, String value, String id) {
    byPropertyValue.put(objectType + '\u0000' + property + '\u0000' + value, id);
  }

  private Optional<String> indexed(String objectType, String property, String value) {
    String id = byPropertyValue.get(objectType + '\u0000' + property + '\u0000' + value);
    Map<String, String> object = id == null ? null : objects.get(objectType).get(id);
    return object != null && value.equals(object.get(property))
        ? Optional.of(id)
        : Optional.empty();
  }

  /**
   * The default association of deals with companies in a batch ({@code inputs} of {@code {"from":
   * {"id"}, "to": {"id"}}}): 200 with one result per pair, or 207 with an error per pair whose deal
   * or company does not exist.
   */
  private synchronized void associate(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    Optional<JsonNode> parsed = jsonBody(req);
    if (parsed.isEmpty() || !parsed.get().path("inputs").isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: expected an object with inputs");
      return;
    }
    ObjectNode body = JSON.createObjectNode().put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode in : parsed.get().path("inputs")) {
      String deal = in.path("from").path("id").asText();
      String company = in.path("to").path("id").asText();
      if (!objects.getOrDefault("deals", Map.of()).containsKey(deal)
          || !objects.getOrDefault("companies", Map.of()).containsKey(company)) {
        errors
            .addObject()
            .put("status", "error")
            .put("category", "OBJECT_NOT_FOUND")
            .put("message", "No deal " + deal + " or company " + company);
        continue;
      }
      dealCompanies.put(deal, company);
      ObjectNode r = results.addObject();
      r.putObject("from").put("id", deal);
      r.putObject("to").put("id", company);
      r.putObject("associationSpec")
          .put("associationCategory", "HUBSPOT_DEFINED")
          .put("associationTypeId", 5);
    }
    body.put("startedAt", at.toString()).put("completedAt", now().toString());
    int status = multiStatus(body, errors);
    record(req, at, List.of(), status);
    sendJson(res, status, body);
  }

  /** 200, or 207 with {@code errors} and {@code numErrors} when some inputs failed. */
  private static int multiStatus(ObjectNode body, ArrayNode errors) {
    if (errors.isEmpty()) {
      return 200;
    }
    body.put("numErrors", errors.size());
    body.set("errors", errors);
    return 207;
  }

  /**
   * Batch create ({@code POST /crm/v3/objects/{objectType}/batch/create}): at most 100 inputs of
   * {@code {"properties": {...}, "associations": [{"to": {"id"}, "types": [{"associationCategory",
   * "associationTypeId"}]}], "objectWriteTraceId"}}. A malformed batch is refused whole (400); an
   * input HubSpot would refuse fails alone (207, its {@code objectWriteTraceId} in the error's
   * context) and the others are created (201 when all are). Tasks need {@code hs_timestamp} and may
   * only be associated with companies through type {@value #TASK_TO_COMPANY}.
   */
  private synchronized void batchCreate(ServerRequest req, ServerResponse res) {
    Instant at = now();
    Optional<BatchInputs> batch = batchInputs(req, res, at);
    if (batch.isEmpty()) {
      return;
    }
    String objectType = batch.get().objectType();
    Map<String, StandinField> schema = batch.get().schema();
    ArrayNode inputs = batch.get().inputs();
    List<Set<String>> shapes = batch.get().shapes();
    for (JsonNode in : inputs) {
      if (!in.path("properties").isObject()) {
        record(req, at, shapes, 400);
        error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: each input needs properties");
        return;
      }
    }
    ObjectNode body = JSON.createObjectNode().put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode in : inputs) {
      Optional<String> problem = createProblem(objectType, schema, in);
      if (problem.isPresent()) {
        traceError(errors, problem.get(), in);
        continue;
      }
      results.add(createOne(objectType, in, at));
    }
    body.put("startedAt", at.toString()).put("completedAt", now().toString());
    if (loseNextResponse.remove(objectType)) {
      record(req, at, shapes, 502);
      error(res, 502, "BAD_GATEWAY", "The connection was reset");
      return;
    }
    int status = errors.isEmpty() ? 201 : multiStatus(body, errors);
    record(req, at, shapes, status);
    sendJson(res, status, body);
  }

  private ObjectNode createOne(String objectType, JsonNode in, Instant at) {
    String id = Long.toString(ids.incrementAndGet());
    Map<String, String> object = new LinkedHashMap<>();
    in.path("properties").properties().forEach(e -> object.put(e.getKey(), e.getValue().asText()));
    objects.get(objectType).put(id, object);
    for (JsonNode a : in.path("associations")) {
      link(objectType, id, "companies", a.path("to").path("id").asText());
    }
    ObjectNode result =
        JSON.createObjectNode()
            .put("id", id)
            .put("createdAt", at.toString())
            .put("updatedAt", at.toString())
            .put("archived", false);
    if (in.hasNonNull("objectWriteTraceId")) {
      result.put("objectWriteTraceId", in.get("objectWriteTraceId").asText());
    }
    ObjectNode props = result.putObject("properties");
    object.forEach(props::put);
    return result;
  }

  /** A per-input error of a batch, matched to its input by {@code objectWriteTraceId}. */
  private static void traceError(ArrayNode errors, String message, JsonNode in) {
    ObjectNode e =
        errors
            .addObject()
            .put("status", "error")
            .put("category", "VALIDATION_ERROR")
            .put("message", message);
    e.putObject("context")
        .putArray("objectWriteTraceId")
        .add(in.path("objectWriteTraceId").asText());
  }

  /** An admitted batch request: its object type's schema, its inputs and their shapes. */
  private record BatchInputs(
      String objectType,
      Map<String, StandinField> schema,
      ArrayNode inputs,
      List<Set<String>> shapes) {}

  /**
   * What batch create and batch upsert check first, the way HubSpot does: the token and rate limit,
   * the object type (404 when unknown) and the inputs; empty once the request has been answered.
   */
  private Optional<BatchInputs> batchInputs(ServerRequest req, ServerResponse res, Instant at) {
    if (!admitted(req, res, at)) {
      return Optional.empty();
    }
    String objectType = req.path().pathParameters().get("objectType");
    Map<String, StandinField> schema = schemas.get(objectType);
    if (schema == null) {
      record(req, at, List.of(), 404);
      error(res, 404, "OBJECT_NOT_FOUND", "Unable to infer object type from: " + objectType);
      return Optional.empty();
    }
    return inputs(req, res, at)
        .map(inputs -> new BatchInputs(objectType, schema, inputs, shapes(inputs)));
  }

  /**
   * The {@code inputs} of a batch write, at most {@value #MAX_INPUTS}; otherwise answers 400
   * VALIDATION_ERROR, the whole batch refused, and returns empty.
   */
  private Optional<ArrayNode> inputs(ServerRequest req, ServerResponse res, Instant at) {
    Optional<JsonNode> parsed = jsonBody(req);
    if (parsed.isEmpty() || !parsed.get().path("inputs").isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: expected an object with inputs");
      return Optional.empty();
    }
    ArrayNode inputs = (ArrayNode) parsed.get().get("inputs");
    if (inputs.size() > MAX_INPUTS) {
      record(req, at, shapes(inputs), 400);
      error(
          res,
          400,
          "VALIDATION_ERROR",
          "Too many inputs: " + inputs.size() + ". The maximum is " + MAX_INPUTS + ".");
      return Optional.empty();
    }
    return Optional.of(inputs);
  }

  private static List<Set<String>> shapes(ArrayNode inputs) {
    List<Set<String>> shapes = new ArrayList<>();
    inputs.forEach(
        in -> {
          Set<String> names = new HashSet<>();
          in.path("properties").fieldNames().forEachRemaining(names::add);
          shapes.add(names);
        });
    return shapes;
  }

  private Optional<String> createProblem(
      String objectType, Map<String, StandinField> schema, JsonNode body) {
    for (Map.Entry<String, JsonNode> e : body.path("properties").properties()) {
      if (!schema.containsKey(e.getKey())) {
        return Optional.of("Property \"" + e.getKey() + "\" does not exist");
      }
      if (!e.getValue().isTextual()) {
        return Optional.of(
            "Invalid input JSON: property " + e.getKey() + " must be a string value");
      }
    }
    Optional<String> valueProblem = valueProblem(body, schema);
    if (valueProblem.isPresent()) {
      return valueProblem;
    }
    if (objectType.equals("tasks")
        && body.path("properties").path("hs_timestamp").asText("").isEmpty()) {
      return Optional.of("Property values were not valid: hs_timestamp is required for tasks");
    }
    for (JsonNode a : body.path("associations")) {
      JsonNode type = a.path("types").path(0);
      if (!objectType.equals("tasks")
          || !type.path("associationCategory").asText().equals("HUBSPOT_DEFINED")
          || type.path("associationTypeId").asInt() != TASK_TO_COMPANY
          || a.path("types").size() != 1) {
        return Optional.of("Invalid association type for " + objectType + " to companies");
      }
      if (!objects.get("companies").containsKey(a.path("to").path("id").asText())) {
        return Optional.of("No company with id " + a.path("to").path("id").asText());
      }
    }
    return Optional.empty();
  }

  /** Search with {@code EQ} and {@code IN} filters (every filter of one group must hold). */
  private synchronized void search(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    String objectType = req.path().pathParameters().get("objectType");
    Optional<JsonNode> parsed = bodyWithArray(req, res, at, "filterGroups");
    if (parsed.isEmpty()) {
      return;
    }
    ArrayNode results = JSON.createArrayNode();
    objects
        .get(objectType)
        .forEach(
            (id, o) -> {
              boolean matches = false;
              for (JsonNode group : parsed.get().path("filterGroups")) {
                boolean all = true;
                for (JsonNode f : group.path("filters")) {
                  String value = o.get(f.path("propertyName").asText());
                  all &=
                      switch (f.path("operator").asText()) {
                        case "EQ" -> f.path("value").asText().equals(value);
                        case "IN" -> {
                          boolean in = false;
                          for (JsonNode v : f.path("values")) {
                            in |= v.asText().equals(value);
                          }
                          yield in;
                        }
                        default -> false;
                      };
                }
                matches |= all;
              }
              if (matches) {
                ObjectNode r = results.addObject().put("id", id).put("archived", false);
                ObjectNode props = r.putObject("properties");
                for (JsonNode p : parsed.get().path("properties")) {
                  if (o.containsKey(p.asText())) {
                    props.put(p.asText(), o.get(p.asText()));
                  }
                }
              }
            });
    ObjectNode body = JSON.createObjectNode().put("total", results.size());
    body.set("results", results);
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  /**
   * v4 batch read of companies' contacts ({@code inputs} of {@code {"id"}}): per company {@code
   * {"from": {"id"}, "to": [{"toObjectId", "associationTypes"}]}}; an unknown company is a 207
   * error.
   */
  private synchronized void companyContacts(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    Optional<JsonNode> parsed = jsonBody(req);
    if (parsed.isEmpty() || !parsed.get().path("inputs").isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: expected an object with inputs");
      return;
    }
    ObjectNode body = JSON.createObjectNode().put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode in : parsed.get().path("inputs")) {
      String company = in.path("id").asText();
      if (!objects.getOrDefault("companies", Map.of()).containsKey(company)) {
        errors
            .addObject()
            .put("status", "error")
            .put("category", "OBJECT_NOT_FOUND")
            .put("message", "No company " + company);
        continue;
      }
      ObjectNode r = results.addObject();
      r.putObject("from").put("id", company);
      ArrayNode to = r.putArray("to");
      for (String contact : associations("companies", company, "contacts")) {
        to.addObject()
            .put("toObjectId", Long.parseLong(contact))
            .putArray("associationTypes")
            .addObject()
            .put("category", "HUBSPOT_DEFINED")
            .put("typeId", 280)
            .putNull("label");
      }
    }
    body.put("startedAt", at.toString()).put("completedAt", now().toString());
    int status = multiStatus(body, errors);
    record(req, at, List.of(), status);
    sendJson(res, status, body);
  }

  private synchronized void listByName(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    String name = req.path().pathParameters().get("listName");
    Optional<String> id =
        listNames.entrySet().stream()
            .filter(l -> l.getValue().equalsIgnoreCase(name))
            .map(Map.Entry::getKey)
            .findFirst();
    if (id.isEmpty() || !req.path().pathParameters().get("objectTypeId").equals("0-1")) {
      record(req, at, List.of(), 404);
      error(res, 404, "OBJECT_NOT_FOUND", "List with name " + name + " does not exist");
      return;
    }
    sendList(req, res, at, id.get());
  }

  /** {@code GET /crm/v3/lists/{listId}}: read-only, like the lookup by name. */
  private synchronized void listById(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    String id = req.path().pathParameters().get("listId");
    if (!listNames.containsKey(id)) {
      record(req, at, List.of(), 404);
      error(res, 404, "OBJECT_NOT_FOUND", "List " + id + " does not exist");
      return;
    }
    sendList(req, res, at, id);
  }

  private void sendList(ServerRequest req, ServerResponse res, Instant at, String id) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("list")
        .put("listId", id)
        .put("name", listNames.get(id))
        .put("objectTypeId", "0-1")
        .put("processingType", "MANUAL")
        .put("size", lists.get(id).size());
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  /** Adds contacts by id; unknown ids and existing members are ignored (reported as missing). */
  private synchronized void addToList(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    Set<String> members = lists.get(req.path().pathParameters().get("listId"));
    Optional<JsonNode> parsed = jsonBody(req);
    if (members == null) {
      record(req, at, List.of(), 404);
      error(res, 404, "OBJECT_NOT_FOUND", "List does not exist");
      return;
    }
    if (parsed.isEmpty() || !parsed.get().isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: expected an array of record ids");
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode added = body.putArray("recordIdsAdded");
    ArrayNode missing = body.putArray("recordIdsMissing");
    for (JsonNode id : parsed.get()) {
      if (!id.isTextual()) {
        record(req, at, List.of(), 400);
        error(res, 400, "VALIDATION_ERROR", "Invalid input JSON: record ids are strings");
        return;
      }
      if (!objects.get("contacts").containsKey(id.asText())) {
        missing.add(id.asText());
      } else if (members.add(id.asText())) {
        added.add(id.asText());
      }
    }
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  private synchronized void accountInfo(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!admitted(req, res, at)) {
      return;
    }
    record(req, at, List.of(), 200);
    sendJson(
        res, 200, Map.of("portalId", PORTAL_ID, "uiDomain", "app.hubspot.com", "timeZone", "UTC"));
  }

  private synchronized void upsert(ServerRequest req, ServerResponse res) {
    Instant at = now();
    Optional<BatchInputs> batch = batchInputs(req, res, at);
    if (batch.isEmpty()) {
      return;
    }
    String objectType = batch.get().objectType();
    Map<String, StandinField> schema = batch.get().schema();
    ArrayNode inputs = batch.get().inputs();
    List<Set<String>> shapes = batch.get().shapes();
    Optional<String> malformed = malformed(inputs, schema, uniqueProperties.get(objectType));
    if (malformed.isPresent()) {
      record(req, at, shapes, 400);
      error(res, 400, "VALIDATION_ERROR", malformed.get());
      return;
    }
    ArrayNode results = JSON.createArrayNode();
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode in : inputs) {
      Optional<String> problem = valueProblem(in, schema);
      if (problem.isPresent()) {
        traceError(errors, problem.get(), in);
        continue;
      }
      results.add(store(objectType, in, at));
    }
    ObjectNode body = JSON.createObjectNode().put("status", "COMPLETE");
    body.set("results", results);
    body.put("startedAt", at.toString()).put("completedAt", now().toString());
    int status = multiStatus(body, errors);
    record(req, at, shapes, status);
    sendJson(res, status, body);
  }

  private ObjectNode store(String objectType, JsonNode in, Instant at) {
    String idProperty = in.path("idProperty").asText();
    String key = in.path("id").asText();
    Map<String, Map<String, String>> store = objects.get(objectType);
    Optional<String> existing = indexed(objectType, idProperty, key);
    String id = existing.orElseGet(() -> Long.toString(ids.incrementAndGet()));
    Map<String, String> object = store.computeIfAbsent(id, k -> new LinkedHashMap<>());
    object.put(idProperty, key);
    index(objectType, idProperty, key, id);
    in.path("properties")
        .properties()
        .forEach(
            e -> {
              if (e.getValue().asText().isEmpty()) {
                object.remove(e.getKey());
              } else {
                object.put(e.getKey(), e.getValue().asText());
              }
            });
    ObjectNode result =
        JSON.createObjectNode()
            .put("id", id)
            .put("createdAt", at.toString())
            .put("updatedAt", at.toString())
            .put("archived", false)
            .put("new", existing.isEmpty());
    if (in.hasNonNull("objectWriteTraceId")) {
      result.put("objectWriteTraceId", in.get("objectWriteTraceId").asText());
    }
    ObjectNode props = result.putObject("properties");
    object.forEach(props::put);
    return result;
  }

  private static Optional<String> malformed(
      ArrayNode inputs, Map<String, StandinField> schema, Set<String> unique) {
    for (JsonNode in : inputs) {
      String idProperty = in.path("idProperty").asText("");
      if (!unique.contains(idProperty)) {
        return Optional.of(
            "idProperty '" + idProperty + "' is not a property with unique values on this object");
      }
      if (!in.path("id").isTextual() || in.path("id").asText().isEmpty()) {
        return Optional.of("Invalid input JSON: each input needs an id");
      }
      JsonNode props = in.path("properties");
      if (!props.isObject()) {
        return Optional.of("Invalid input JSON: each input needs properties");
      }
      for (Map.Entry<String, JsonNode> e : props.properties()) {
        if (!schema.containsKey(e.getKey())) {
          return Optional.of(
              "Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\""
                  + e.getKey()
                  + "\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\""
                  + e.getKey()
                  + "\"}]");
        }
        if (!e.getValue().isTextual()) {
          return Optional.of(
              "Invalid input JSON: property " + e.getKey() + " must be a string value");
        }
      }
    }
    return Optional.empty();
  }

  private Optional<String> valueProblem(JsonNode in, Map<String, StandinField> schema) {
    String rejection = rejections.get(in.path("id").asText());
    for (Map.Entry<String, JsonNode> e : in.path("properties").properties()) {
      rejection = rejection != null ? rejection : rejections.get(e.getValue().asText());
    }
    if (rejection != null) {
      return Optional.of(rejection);
    }
    for (Map.Entry<String, JsonNode> e : in.path("properties").properties()) {
      StandinField f = schema.get(e.getKey());
      String value = e.getValue().asText();
      if (value.isEmpty()) {
        continue;
      }
      if (!f.writable()) {
        return Optional.of("Property \"" + f.name() + "\" is read-only");
      }
      boolean ok =
          switch (f.type()) {
            case "number" -> isNumber(value);
            case "datetime" -> isEpochMillis(value) || isInstant(value);
            case "date" -> isEpochMillis(value) || isDate(value);
            case "enumeration" -> f.options().contains(value);
            case "bool" -> value.equals("true") || value.equals("false");
            default -> true;
          };
      if (!ok) {
        String code =
            f.type().equals("enumeration")
                ? "INVALID_OPTION"
                : "INVALID_" + f.type().toUpperCase(java.util.Locale.ROOT);
        return Optional.of(
            "Property values were not valid: [{\"isValid\":false,\"message\":\""
                + value.replace("\"", "'")
                + " was not a valid value for "
                + f.name()
                + "\",\"error\":\""
                + code
                + "\",\"name\":\""
                + f.name()
                + "\"}]");
      }
    }
    return Optional.empty();
  }

  /** Auth, scripted faults and the ten-second allowance, in the order HubSpot applies them. */
  private boolean admitted(ServerRequest req, ServerResponse res, Instant at) {
    if (!bearer(req).map(token::equals).orElse(false)) {
      record(req, at, List.of(), 401);
      error(
          res,
          401,
          "INVALID_AUTHENTICATION",
          "Authentication credentials not found. This API supports OAuth 2.0 authentication and"
              + " private app access tokens.");
      return false;
    }
    if (answeredByFault(req, res, at)) {
      return false;
    }
    while (!window.isEmpty() && !window.peekFirst().isAfter(at.minus(WINDOW))) {
      window.pollFirst();
    }
    rateHeaders(res, Math.max(0, tenSecondLimit - window.size() - 1));
    if (window.size() >= tenSecondLimit) {
      long waitMillis = Duration.between(at, window.peekFirst().plus(WINDOW)).toMillis();
      res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
      record(req, at, List.of(), 429);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "error");
      body.put("message", "You have reached your ten_secondly_rolling limit.");
      body.put("errorType", "RATE_LIMIT");
      body.put("correlationId", UUID.randomUUID().toString());
      body.put("policyName", "TEN_SECONDLY_ROLLING");
      sendJson(res, 429, body);
      return false;
    }
    window.addLast(at);
    return true;
  }

  private void rateHeaders(ServerResponse res, int remaining) {
    res.header(HeaderNames.create("X-HubSpot-RateLimit-Max"), Integer.toString(tenSecondLimit));
    res.header(HeaderNames.create("X-HubSpot-RateLimit-Remaining"), Integer.toString(remaining));
    res.header(
        HeaderNames.create("X-HubSpot-RateLimit-Interval-Milliseconds"),
        Long.toString(WINDOW.toMillis()));
  }

  private static void error(ServerResponse res, int status, String category, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "error");
    body.put("message", message);
    body.put("correlationId", UUID.randomUUID().toString());
    body.put("category", category);
    sendJson(res, status, body);
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isEpochMillis(String s) {
    return s.matches("\\d{1,15}");
  }

  private static boolean isInstant(String s) {
    try {
      Instant.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean isDate(String s) {
    try {
      LocalDate.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
