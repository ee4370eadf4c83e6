package dev.headroom.crm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.domain.ConnectionSettings;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.CrmValue;
import dev.headroom.crm.domain.FieldKind;
import dev.headroom.crm.domain.FieldMapping;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HubSpot CRM v3 with a private-app access token as bearer token: companies upserted by a unique
 * property ({@code POST /crm/v3/objects/companies/batch/upsert}, at most 100 inputs). Property
 * values are strings; numbers in plain decimal notation, date-times as epoch milliseconds, an empty
 * string clears a property. Each input carries the account id as {@code objectWriteTraceId}, which
 * HubSpot echoes in results and multi-status (207) errors, so every outcome is matched to its
 * record.
 */
public final class HubSpotClient implements CrmClient {
  static final int MAX_INPUTS = 100;
  private static final String OBJECT = "companies";

  /** The unique deal property holding Headroom's key "<account>:<type>:<n>". */
  public static final String DEAL_KEY = "headroom_opportunity_key";

  /** The owner property of companies, deals and tasks (a HubSpot user's owner id). */
  static final String OWNER = "hubspot_owner_id";

  /** The task property holding a task's idempotency key. */
  public static final String TASK_KEY = "headroom_task_key";

  /** HubSpot's association type of a task to its company. */
  static final int TASK_TO_COMPANY = 192;

  /** The most results one search page holds. */
  private static final int SEARCH_LIMIT = 200;

  private final ConnectionSettings settings;
  private final Credentials credentials;
  private final HttpCaller http;
  private String portal;

  public HubSpotClient(ConnectionSettings settings, Credentials credentials, HttpCaller http) {
    this.settings = settings;
    this.credentials = credentials;
    this.http = http;
  }

  @Override
  public int batchLimit() {
    return MAX_INPUTS;
  }

  @Override
  public List<RecordResult> upsertAccounts(List<RecordWrite> batch) throws CrmCallException {
    List<ObjectNode> properties = new ArrayList<>();
    for (RecordWrite w : batch) {
      ObjectNode props = Json.MAPPER.createObjectNode();
      w.fields().forEach((field, value) -> props.put(field, text(value)));
      properties.add(props);
    }
    return upsert(
        OBJECT,
        settings.matchField(),
        batch.stream().map(RecordWrite::accountId).toList(),
        properties);
  }

  /**
   * Deals upserted by the unique property {@value #DEAL_KEY}, then each associated with its company
   * through the v4 default association ({@code PUT
   * /crm/v4/objects/deals/{dealId}/associations/default/companies/{companyId}}, idempotent).
   */
  @Override
  public List<RecordResult> upsertOpportunities(List<OpportunityWrite> batch)
      throws CrmCallException {
    List<String> owned = OpportunityWrite.ownedAccounts(batch);
    Map<String, String> owners = owned.isEmpty() ? Map.of() : accountOwners(owned);
    List<ObjectNode> properties = new ArrayList<>();
    for (OpportunityWrite o : batch) {
      ObjectNode props =
          Json.MAPPER
              .createObjectNode()
              .put("dealname", o.name())
              .put("pipeline", "default")
              .put("dealstage", "appointmentscheduled")
              .put(
                  "closedate",
                  Long.toString(
                      o.closeDate()
                          .atStartOfDay(java.time.ZoneOffset.UTC)
                          .toInstant()
                          .toEpochMilli()))
              .put("description", o.description());
      if (o.amount() != null) {
        props.put("amount", o.amount().toPlainString());
      }
      if (o.ownedByAccountOwner() && owners.containsKey(o.accountId())) {
        props.put(OWNER, owners.get(o.accountId()));
      }
      properties.add(props);
    }
    List<RecordResult> results =
        upsert(
            "deals",
            DEAL_KEY,
            batch.stream().map(OpportunityWrite::externalKey).toList(),
            properties);
    return linkToCompanies(batch, results);
  }

  /**
   * Associates each saved deal with its company through the v4 default association, one batch
   * ({@code POST /crm/v4/associations/deals/companies/batch/associate/default}, idempotent); a deal
   * HubSpot answers no association for fails with HubSpot's message.
   */
  private List<RecordResult> linkToCompanies(List<OpportunityWrite> batch, List<RecordResult> saved)
      throws CrmCallException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    for (int i = 0; i < batch.size(); i++) {
      if (saved.get(i).success() && !batch.get(i).companyCrmId().isEmpty()) {
        ObjectNode in = inputs.addObject();
        in.putObject("from").put("id", saved.get(i).crmId());
        in.putObject("to").put("id", batch.get(i).companyCrmId());
      }
    }
    if (inputs.isEmpty()) {
      return saved;
    }
    JsonNode answer =
        batchAnswer("/crm/v4/associations/deals/companies/batch/associate/default", body);
    java.util.Set<String> linked = new java.util.HashSet<>();
    answer.path("results").forEach(r -> linked.add(r.path("from").path("id").asText()));
    String problem =
        answer.path("errors").path(0).path("message").asText("HubSpot answered no association");
    List<RecordResult> results = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      RecordResult r = saved.get(i);
      String company = batch.get(i).companyCrmId();
      results.add(
          !r.success() || company.isEmpty() || linked.contains(r.crmId())
              ? r
              : RecordResult.failed(
                  r.accountId(),
                  207,
                  "ASSOCIATION_FAILED",
                  "the deal was saved but not linked to company " + company + ": " + problem));
    }
    return results;
  }

  /**
   * {@code POST /crm/v3/objects/deals/batch/read} by the unique key property, 100 at a time; a deal
   * in stage {@code closedwon} or {@code closedlost} is closed.
   */
  @Override
  public List<ClosedOpportunity> closedOpportunities(List<String> externalKeys)
      throws CrmCallException {
    List<ClosedOpportunity> closed = new ArrayList<>();
    for (JsonNode r :
        batchRead("deals", DEAL_KEY, List.of("dealstage", "amount", "closedate"), externalKeys)) {
      JsonNode p = r.path("properties");
      String stage = p.path("dealstage").asText();
      if (!stage.equals("closedwon") && !stage.equals("closedlost")) {
        continue;
      }
      closed.add(
          new ClosedOpportunity(
              p.path(DEAL_KEY).asText(),
              r.path("id").asText(),
              stage.equals("closedwon"),
              decimal(p.path("amount").asText("")),
              closeDate(p.path("closedate").asText(""))));
    }
    return closed;
  }

  /** The companies' {@value #OWNER} by the match property, read 100 at a time. */
  @Override
  public Map<String, String> accountOwners(List<String> accountIds) throws CrmCallException {
    Map<String, String> owners = new HashMap<>();
    for (JsonNode r : batchRead(OBJECT, settings.matchField(), List.of(OWNER), accountIds)) {
      String owner = r.path("properties").path(OWNER).asText("");
      if (!owner.isEmpty()) {
        owners.put(r.path("properties").path(settings.matchField()).asText(), owner);
      }
    }
    return owners;
  }

  @Override
  public int actionBatchLimit() {
    return MAX_INPUTS;
  }

  /**
   * The companies' contacts through the v4 associations batch read ({@code POST
   * /crm/v4/associations/companies/contacts/batch/read}, 100 companies per request, a company's
   * further pages by its {@code after}), then their job titles by batch read.
   */
  @Override
  public Map<String, List<Contact>> contacts(List<String> accountCrmIds) throws CrmCallException {
    Map<String, List<String>> contactIds = new HashMap<>();
    List<ObjectNode> pending = new ArrayList<>();
    accountCrmIds.forEach(id -> pending.add(Json.MAPPER.createObjectNode().put("id", id)));
    while (!pending.isEmpty()) {
      List<ObjectNode> chunk =
          List.copyOf(pending.subList(0, Math.min(pending.size(), MAX_INPUTS)));
      pending.subList(0, chunk.size()).clear();
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putArray("inputs").addAll(chunk);
      for (JsonNode r :
          batchAnswer("/crm/v4/associations/companies/contacts/batch/read", body).path("results")) {
        String company = r.path("from").path("id").asText();
        r.path("to")
            .forEach(
                c ->
                    contactIds
                        .computeIfAbsent(company, k -> new ArrayList<>())
                        .add(c.path("toObjectId").asText()));
        String after = r.path("paging").path("next").path("after").asText("");
        if (!after.isEmpty()) {
          pending.add(Json.MAPPER.createObjectNode().put("id", company).put("after", after));
        }
      }
    }
    Map<String, String> titles = new HashMap<>();
    List<String> all = contactIds.values().stream().flatMap(List::stream).distinct().toList();
    for (JsonNode r : batchRead("contacts", "hs_object_id", List.of("jobtitle"), all)) {
      titles.put(r.path("id").asText(), r.path("properties").path("jobtitle").asText(""));
    }
    Map<String, List<Contact>> contacts = new HashMap<>();
    contactIds.forEach(
        (company, ids) ->
            contacts.put(
                company,
                ids.stream()
                    .filter(titles::containsKey)
                    .map(id -> new Contact(id, titles.get(id)))
                    .toList()));
    return contacts;
  }

  /**
   * Lists v3: the contact list by id, or by name ({@code GET
   * /crm/v3/lists/object-type-id/0-1/name/{name}}), then one {@code PUT
   * /crm/v3/lists/{listId}/memberships/add} with all the contact ids (members already in it are
   * ignored by HubSpot); an id HubSpot reports in {@code recordIdsMissing} fails alone.
   */
  @Override
  public List<RecordResult> enroll(String campaign, List<String> contactCrmIds)
      throws CrmCallException {
    String listId = campaign;
    if (!isListId(campaign)) {
      listId =
          list(campaign)
              .orElseThrow(
                  () ->
                      new CrmCallException(
                          CrmCallException.Kind.REJECTED, 404, "LIST_NOT_FOUND", noList(campaign)))
              .path("listId")
              .asText();
    }
    ArrayNode ids = Json.MAPPER.createArrayNode();
    contactCrmIds.forEach(ids::add);
    HttpResponse<String> response =
        send(
            request("/crm/v3/lists/" + listId + "/memberships/add")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(ids)))
                .header("Content-Type", "application/json")
                .build());
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() != 200 || parsed.isEmpty()) {
      throw failure(response, parsed);
    }
    java.util.Set<String> missing = new java.util.HashSet<>();
    parsed.get().path("recordIdsMissing").forEach(id -> missing.add(id.asText()));
    String list = listId;
    return contactCrmIds.stream()
        .map(
            id ->
                missing.contains(id)
                    ? RecordResult.failed(
                        id,
                        200,
                        "RECORD_MISSING",
                        "HubSpot has no contact " + id + " to add to list " + list)
                    : RecordResult.ok(id, list, false, 200))
        .toList();
  }

  /**
   * {@code POST /crm/v3/objects/tasks/batch/create} (at most 100 inputs) with the task properties
   * and each task's association to its company (type {@value #TASK_TO_COMPANY}), owned by the
   * company's owner; each input carries its key as {@code objectWriteTraceId} and in the task
   * property {@value #TASK_KEY}, which one search ({@code IN} the keys) looks up first when an
   * earlier attempt may have created some.
   */
  @Override
  public List<RecordResult> createTasks(List<TaskWrite> tasks) throws CrmCallException {
    if (tasks.size() > MAX_INPUTS) {
      throw new IllegalArgumentException("at most " + MAX_INPUTS + " tasks per request");
    }
    List<String> mayExist = tasks.stream().filter(TaskWrite::mayExist).map(TaskWrite::key).toList();
    Map<String, String> existing = mayExist.isEmpty() ? Map.of() : tasksWithKeys(mayExist);
    List<TaskWrite> fresh = tasks.stream().filter(t -> !existing.containsKey(t.key())).toList();
    Map<String, String> owners =
        fresh.isEmpty()
            ? Map.of()
            : accountOwners(fresh.stream().map(TaskWrite::accountId).distinct().toList());
    Map<String, RecordResult> byKey = new HashMap<>();
    if (!fresh.isEmpty()) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode inputs = body.putArray("inputs");
      for (TaskWrite task : fresh) {
        ObjectNode in = inputs.addObject().put("objectWriteTraceId", task.key());
        ObjectNode props =
            in.putObject("properties")
                .put("hs_task_subject", task.subject())
                .put("hs_task_body", task.description())
                .put(
                    "hs_timestamp",
                    Long.toString(
                        task.dueDate()
                            .atStartOfDay(java.time.ZoneOffset.UTC)
                            .toInstant()
                            .toEpochMilli()))
                .put("hs_task_status", "NOT_STARTED")
                .put("hs_task_priority", "MEDIUM")
                .put("hs_task_type", "CALL")
                .put(TASK_KEY, task.key());
        if (owners.containsKey(task.accountId())) {
          props.put(OWNER, owners.get(task.accountId()));
        }
        ObjectNode association = in.putArray("associations").addObject();
        association.putObject("to").put("id", task.accountCrmId());
        association
            .putArray("types")
            .addObject()
            .put("associationCategory", "HUBSPOT_DEFINED")
            .put("associationTypeId", TASK_TO_COMPANY);
      }
      HttpResponse<String> response =
          sendOnce(postJson("/crm/v3/objects/tasks/batch/create", body));
      batchResults(response, fresh.stream().map(TaskWrite::key).toList(), TASK_KEY)
          .forEach(r -> byKey.put(r.accountId(), r));
    }
    existing.forEach((key, id) -> byKey.put(key, RecordResult.ok(key, id, false, 200)));
    return tasks.stream().map(t -> byKey.get(t.key())).toList();
  }

  /** Task ids by key, by search with an {@code IN} filter on {@value #TASK_KEY}, 100 keys each. */
  private Map<String, String> tasksWithKeys(List<String> keys) throws CrmCallException {
    Map<String, String> found = new HashMap<>();
    for (int from = 0; from < keys.size(); from += MAX_INPUTS) {
      ObjectNode body = Json.MAPPER.createObjectNode().put("limit", SEARCH_LIMIT);
      ArrayNode values =
          body.putArray("filterGroups")
              .addObject()
              .putArray("filters")
              .addObject()
              .put("propertyName", TASK_KEY)
              .put("operator", "IN")
              .putArray("values");
      keys.subList(from, Math.min(keys.size(), from + MAX_INPUTS)).forEach(values::add);
      body.putArray("properties").add(TASK_KEY);
      HttpResponse<String> response = send(postJson("/crm/v3/objects/tasks/search", body));
      Optional<JsonNode> parsed = Json.parse(response.body());
      if (response.statusCode() != 200 || parsed.isEmpty()) {
        throw failure(response, parsed);
      }
      parsed
          .get()
          .path("results")
          .forEach(
              r -> found.put(r.path("properties").path(TASK_KEY).asText(), r.path("id").asText()));
    }
    return found;
  }

  /** {@code https://app.hubspot.com/contacts/{portalId}/record/0-2/{companyId}}. */
  @Override
  public synchronized String recordUrl(String accountCrmId) throws CrmCallException {
    if (portal == null) {
      HttpResponse<String> response = send(request("/account-info/v3/details").GET().build());
      Optional<JsonNode> parsed = Json.parse(response.body());
      if (response.statusCode() != 200 || parsed.isEmpty() || !parsed.get().has("portalId")) {
        throw failure(response, parsed);
      }
      portal =
          "https://"
              + parsed.get().path("uiDomain").asText("app.hubspot.com")
              + "/contacts/"
              + parsed.get().path("portalId").asLong();
    }
    return portal + "/record/0-2/" + accountCrmId;
  }

  /**
   * {@code POST /crm/v3/objects/{objectType}/batch/read} by {@code idProperty}, 100 ids per
   * request; each result carries {@code properties} and the id property.
   */
  private List<JsonNode> batchRead(
      String objectType, String idProperty, List<String> properties, List<String> ids)
      throws CrmCallException {
    List<JsonNode> results = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += MAX_INPUTS) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      if (!idProperty.equals("hs_object_id")) {
        body.put("idProperty", idProperty);
      }
      ArrayNode props = body.putArray("properties");
      properties.forEach(props::add);
      props.add(idProperty);
      body.putArray("propertiesWithHistory");
      ArrayNode inputs = body.putArray("inputs");
      ids.subList(from, Math.min(ids.size(), from + MAX_INPUTS))
          .forEach(k -> inputs.addObject().put("id", k));
      batchAnswer("/crm/v3/objects/" + objectType + "/batch/read", body)
          .path("results")
          .forEach(results::add);
    }
    return results;
  }

  /** The answer to a batch request that HubSpot answers 200, or 207 with per-input errors. */
  private JsonNode batchAnswer(String path, JsonNode body) throws CrmCallException {
    HttpResponse<String> response = send(postJson(path, body));
    Optional<JsonNode> parsed = Json.parse(response.body());
    int status = response.statusCode();
    if ((status != 200 && status != 207) || parsed.isEmpty()) {
      throw failure(response, parsed);
    }
    return parsed.get();
  }

  /** Batch upsert by a unique property; results matched to inputs by objectWriteTraceId. */
  private List<RecordResult> upsert(
      String objectType, String idProperty, List<String> keys, List<ObjectNode> properties)
      throws CrmCallException {
    if (keys.size() > MAX_INPUTS) {
      throw new IllegalArgumentException("at most " + MAX_INPUTS + " inputs per request");
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    for (int i = 0; i < keys.size(); i++) {
      ObjectNode in =
          inputs
              .addObject()
              .put("idProperty", idProperty)
              .put("id", keys.get(i))
              .put("objectWriteTraceId", keys.get(i));
      in.set("properties", properties.get(i));
    }
    return batchResults(
        send(postJson("/crm/v3/objects/" + objectType + "/batch/upsert", body)), keys, idProperty);
  }

  /**
   * One result per key, in order, from a batch write's answer (200/201 complete, 207 with {@code
   * errors}): results and errors are matched to inputs by {@code objectWriteTraceId} (the key), a
   * result without one by the key property.
   */
  private static List<RecordResult> batchResults(
      HttpResponse<String> response, List<String> keys, String keyProperty)
      throws CrmCallException {
    int status = response.statusCode();
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (status != 200 && status != 201 && status != 207) {
      throw failure(response, parsed);
    }
    if (parsed.isEmpty() || !parsed.get().path("results").isArray()) {
      String problem = Json.describe(response);
      return keys.stream()
          .map(k -> RecordResult.failed(k, status, "MALFORMED_RESPONSE", problem))
          .toList();
    }
    Map<String, RecordResult> byKey = new HashMap<>();
    for (JsonNode r : parsed.get().path("results")) {
      String trace =
          r.path("objectWriteTraceId").asText(r.path("properties").path(keyProperty).asText());
      byKey.put(
          trace, RecordResult.ok(trace, r.path("id").asText(), r.path("new").asBoolean(), status));
    }
    for (JsonNode e : parsed.get().path("errors")) {
      String category = e.path("category").asText("ERROR");
      String message = e.path("message").asText("HubSpot gave no message");
      for (JsonNode trace : e.path("context").path("objectWriteTraceId")) {
        byKey.put(trace.asText(), RecordResult.failed(trace.asText(), status, category, message));
      }
    }
    return keys.stream()
        .map(
            k ->
                byKey.getOrDefault(
                    k,
                    RecordResult.failed(
                        k, status, "MISSING_RESULT", "HubSpot returned no result for this input")))
        .toList();
  }

  private static boolean isListId(String campaign) {
    return campaign.matches("\\d+");
  }

  /** The contact list with this id or name; empty when HubSpot has none. */
  private Optional<JsonNode> list(String campaign) throws CrmCallException {
    String path =
        isListId(campaign)
            ? "/crm/v3/lists/" + campaign
            : "/crm/v3/lists/object-type-id/0-1/name/"
                + URLEncoder.encode(campaign, StandardCharsets.UTF_8).replace("+", "%20");
    HttpResponse<String> found = send(request(path).GET().build());
    if (found.statusCode() == 404) {
      return Optional.empty();
    }
    Optional<JsonNode> list = Json.parse(found.body());
    if (found.statusCode() != 200 || list.isEmpty() || !list.get().path("list").has("listId")) {
      throw failure(found, list);
    }
    return Optional.of(list.get().path("list"));
  }

  private static String noList(String campaign) {
    return isListId(campaign)
        ? "HubSpot has no contact list with id "
            + campaign
            + ": set the rule's target to an existing list's id or name"
        : "HubSpot has no contact list named '"
            + campaign
            + "': create a manual list with that name, or set the rule's target to the list id";
  }

  /** A task carries {@value #TASK_KEY} so that a lost answer is looked up, not created again. */
  @Override
  public ConnectionCheck testTaskKey() {
    String name = "task key " + TASK_KEY;
    try {
      JsonNode p = properties("tasks").get(TASK_KEY);
      if (p == null) {
        return new ConnectionCheck(
            name,
            false,
            "Tasks have no property "
                + TASK_KEY
                + ": create it as a single-line text task property, or disable the rules that"
                + " create tasks");
      }
      return p.path("modificationMetadata").path("readOnlyValue").asBoolean()
          ? new ConnectionCheck(
              name, false, TASK_KEY + " is read-only: use a property the private app can write")
          : new ConnectionCheck(name, true, "Tasks carry their key, so none is created twice");
    } catch (CrmCallException e) {
      return new ConnectionCheck(
          name,
          false,
          "Cannot read task properties: "
              + e.getMessage()
              + ". Give the private app the crm.objects.contacts.read scope.");
    }
  }

  @Override
  public ConnectionCheck testCampaign(String campaign) {
    String name = "list " + campaign;
    try {
      Optional<JsonNode> list = list(campaign);
      if (list.isEmpty()) {
        return new ConnectionCheck(name, false, noList(campaign));
      }
      String label =
          "'" + list.get().path("name").asText() + "' (" + list.get().path("listId").asText() + ")";
      return list.get().path("processingType").asText().equals("DYNAMIC")
          ? new ConnectionCheck(
              name,
              false,
              "Contact list "
                  + label
                  + " is an active list, and HubSpot adds contacts only to manual lists: create a"
                  + " manual list and point the rule at it")
          : new ConnectionCheck(
              name, true, "Contact list " + label + " receives the enrolled buyers");
    } catch (CrmCallException e) {
      return new ConnectionCheck(
          name,
          false,
          "Cannot read contact lists: "
              + e.getMessage()
              + ". Give the private app the crm.lists.read scope.");
    }
  }

  /** The object type's properties by name. */
  private Map<String, JsonNode> properties(String objectType) throws CrmCallException {
    HttpResponse<String> response = send(request("/crm/v3/properties/" + objectType).GET().build());
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() != 200 || parsed.isEmpty()) {
      throw failure(response, parsed);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    parsed.get().path("results").forEach(p -> byName.put(p.path("name").asText(), p));
    return byName;
  }

  @Override
  public List<ConnectionCheck> test(List<FieldMapping> mappings) {
    List<ConnectionCheck> checks = new ArrayList<>();
    Map<String, JsonNode> byName;
    try {
      byName = properties(OBJECT);
      checks.add(new ConnectionCheck("authentication", true, "The private app token is accepted"));
      checks.add(new ConnectionCheck("object companies", true, "Company properties are readable"));
    } catch (CrmCallException e) {
      checks.add(
          new ConnectionCheck(
              "authentication",
              e.kind() != CrmCallException.Kind.AUTH,
              e.kind() == CrmCallException.Kind.AUTH
                  ? e.getMessage()
                  : "The token could not be checked: " + e.getMessage()));
      return checks;
    }
    JsonNode match = byName.get(settings.matchField());
    checks.add(
        match != null && match.path("hasUniqueValue").asBoolean()
            ? new ConnectionCheck(
                "match field " + settings.matchField(), true, "Unique company property")
            : new ConnectionCheck(
                "match field " + settings.matchField(),
                false,
                match == null
                    ? "Companies have no property "
                        + settings.matchField()
                        + ": create it as a single-line text property that requires unique values"
                    : settings.matchField()
                        + " does not require unique values: HubSpot can only upsert by a unique"
                        + " property"));
    for (FieldMapping m : mappings) {
      if (m.enabled()) {
        checks.add(propertyCheck(m, byName.get(m.crmField())));
      }
    }
    checks.add(dealKeyCheck());
    return checks;
  }

  /** Rules that open deals upsert them by {@value #DEAL_KEY}. */
  private ConnectionCheck dealKeyCheck() {
    String name = "deal key " + DEAL_KEY;
    try {
      JsonNode p = properties("deals").get(DEAL_KEY);
      if (p != null) {
        return p.path("hasUniqueValue").asBoolean()
            ? new ConnectionCheck(name, true, "Deals can be opened without duplicates")
            : new ConnectionCheck(name, false, DEAL_KEY + " must require unique values");
      }
      return new ConnectionCheck(
          name,
          false,
          "Deals have no property "
              + DEAL_KEY
              + ": create it as a single-line text property that requires unique values, or disable"
              + " the rules that open deals");
    } catch (CrmCallException e) {
      return new ConnectionCheck(name, false, "Cannot read deal properties: " + e.getMessage());
    }
  }

  private static ConnectionCheck propertyCheck(FieldMapping m, JsonNode property) {
    String name = "property " + m.crmField();
    if (property == null) {
      return new ConnectionCheck(
          name,
          false,
          "Companies have no property "
              + m.crmField()
              + ": create it or change the mapping of "
              + m.source());
    }
    if (property.path("modificationMetadata").path("readOnlyValue").asBoolean()) {
      return new ConnectionCheck(
          name, false, m.crmField() + " is read-only: map a writable property");
    }
    if (m.source().kind() == FieldKind.PICKLIST) {
      List<String> allowed = new ArrayList<>();
      property.path("options").forEach(o -> allowed.add(o.path("value").asText()));
      List<String> missing = m.missingLabels(allowed);
      if (!missing.isEmpty()) {
        return new ConnectionCheck(
            name,
            false,
            m.crmField()
                + " lacks the options "
                + missing
                + ": add them or map them to existing options");
      }
    }
    return new ConnectionCheck(name, true, "writable (" + property.path("type").asText() + ")");
  }

  private HttpResponse<String> send(HttpRequest request) throws CrmCallException {
    try {
      return http.send(request, r -> false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrmCallException(CrmCallException.Kind.TRANSIENT, 0, "INTERRUPTED", "interrupted");
    }
  }

  /** For creates: an outage or a lost answer is not resent (see {@link HttpCaller#sendOnce}). */
  private HttpResponse<String> sendOnce(HttpRequest request) throws CrmCallException {
    try {
      return http.sendOnce(request, r -> false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrmCallException(CrmCallException.Kind.TRANSIENT, 0, "INTERRUPTED", "interrupted");
    }
  }

  private HttpRequest postJson(String path, JsonNode body) {
    return request(path)
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
        .header("Content-Type", "application/json")
        .build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
        .timeout(http.requestTimeout())
        .header("Authorization", "Bearer " + credentials.accessToken())
        .header("Accept", "application/json");
  }

  private static CrmCallException failure(
      HttpResponse<String> response, Optional<JsonNode> parsed) {
    int status = response.statusCode();
    if (status == 401) {
      return new CrmCallException(
          CrmCallException.Kind.AUTH,
          status,
          "INVALID_AUTHENTICATION",
          "HubSpot rejected the private app token (401): copy the current token from the private"
              + " app's settings into the connection");
    }
    if (status == 403) {
      return new CrmCallException(
          CrmCallException.Kind.AUTH,
          status,
          parsed.map(p -> p.path("category").asText("MISSING_SCOPES")).orElse("MISSING_SCOPES"),
          "HubSpot refused the request (403): give the private app the scopes"
              + " crm.objects.companies.read and crm.objects.companies.write");
    }
    if (parsed.isEmpty() || !parsed.get().isObject()) {
      return new CrmCallException(
          status >= 500 ? CrmCallException.Kind.TRANSIENT : CrmCallException.Kind.REJECTED,
          status,
          "MALFORMED_RESPONSE",
          "HubSpot answered " + Json.describe(response));
    }
    return new CrmCallException(
        status >= 500 ? CrmCallException.Kind.TRANSIENT : CrmCallException.Kind.REJECTED,
        status,
        parsed.get().path("category").asText("ERROR"),
        parsed.get().path("message").asText("HubSpot gave no message"));
  }

  private static java.math.BigDecimal decimal(String text) {
    try {
      return text.isEmpty() ? null : new java.math.BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code closedate} is a datetime: epoch milliseconds or ISO 8601. */
  private static ClosedOpportunity.Close closeDate(String text) {
    try {
      return new ClosedOpportunity.At(
          text.matches("\\d+")
              ? java.time.Instant.ofEpochMilli(Long.parseLong(text))
              : java.time.Instant.parse(text));
    } catch (RuntimeException e) {
      return new ClosedOpportunity.Unknown();
    }
  }

  static String text(CrmValue value) {
    return switch (value) {
      case CrmValue.Text t -> t.value();
      case CrmValue.Decimal n -> n.value().toPlainString();
      case CrmValue.Timestamp t -> Long.toString(t.value().toEpochMilli());
      case CrmValue.Bool b -> Boolean.toString(b.value());
      case CrmValue.Empty e -> "";
    };
  }
}
