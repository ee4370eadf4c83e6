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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Salesforce REST: OAuth 2.0 against the org's token endpoint (refresh-token grant when a refresh
 * token is configured, else client credentials), then sObject Collections upsert of Accounts by the
 * external id field ({@code allOrNone=false}, at most 200 records, one UpsertResult per record). An
 * expired session (401 INVALID_SESSION_ID) gets one new token and the same request again.
 */
public final class SalesforceClient implements CrmClient {
  static final int MAX_RECORDS = 200;

  /**
   * The longest URL-encoded SOQL text of one query: Salesforce refuses a request whose URI and
   * headers together exceed 16,384 bytes (414 / 431), and the instance URL, the path and the bearer
   * token need room besides.
   */
  static final int MAX_QUERY_CHARS = 8_000;

  private static final String SOBJECT = "Account";

  /** The Opportunity external id field holding Headroom's key "<account>:<type>:<n>". */
  public static final String OPPORTUNITY_KEY = "Headroom_Opportunity_Key__c";

  /** The Task field holding a task's idempotency key (a Text field, no External ID needed). */
  public static final String TASK_KEY = "Headroom_Task_Key__c";

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final ConnectionSettings settings;
  private final Credentials credentials;
  private final HttpCaller http;
  private Session session;

  private record Session(String accessToken, String instanceUrl) {
    @Override
    public String toString() {
      return "Session[" + instanceUrl + "]";
    }
  }

  public SalesforceClient(ConnectionSettings settings, Credentials credentials, HttpCaller http) {
    this.settings = settings;
    this.credentials = credentials;
    this.http = http;
  }

  @Override
  public int batchLimit() {
    return MAX_RECORDS;
  }

  @Override
  public synchronized List<RecordResult> upsertAccounts(List<RecordWrite> batch)
      throws CrmCallException {
    List<ObjectNode> records = new ArrayList<>();
    for (RecordWrite w : batch) {
      ObjectNode rec = Json.MAPPER.createObjectNode();
      rec.put(settings.matchField(), w.accountId());
      w.fields().forEach((field, value) -> put(rec, field, value));
      records.add(rec);
    }
    return upsert(
        SOBJECT,
        settings.matchField(),
        batch.stream().map(RecordWrite::accountId).toList(),
        records);
  }

  @Override
  public synchronized List<RecordResult> upsertOpportunities(List<OpportunityWrite> batch)
      throws CrmCallException {
    List<String> owned = OpportunityWrite.ownedAccounts(batch);
    Map<String, String> owners = owned.isEmpty() ? Map.of() : accountOwners(owned);
    List<ObjectNode> records = new ArrayList<>();
    for (OpportunityWrite o : batch) {
      ObjectNode rec = Json.MAPPER.createObjectNode();
      if (o.ownedByAccountOwner() && owners.containsKey(o.accountId())) {
        rec.put("OwnerId", owners.get(o.accountId()));
      }
      rec.put(OPPORTUNITY_KEY, o.externalKey())
          .put("Name", o.name())
          .put("StageName", "Prospecting")
          .put("CloseDate", o.closeDate().toString())
          .put("Description", o.description());
      if (o.amount() != null) {
        rec.put("Amount", o.amount());
      }
      rec.putObject("Account").put(settings.matchField(), o.accountId());
      records.add(rec);
    }
    return upsert(
        "Opportunity",
        OPPORTUNITY_KEY,
        batch.stream().map(OpportunityWrite::externalKey).toList(),
        records);
  }

  /**
   * {@code SELECT Id, Headroom_Opportunity_Key__c, IsWon, Amount, CloseDate FROM Opportunity WHERE
   * IsClosed = true AND Headroom_Opportunity_Key__c IN (...)}, as few queries as the URI limit
   * allows.
   */
  @Override
  public synchronized List<ClosedOpportunity> closedOpportunities(List<String> externalKeys)
      throws CrmCallException {
    List<ClosedOpportunity> closed = new ArrayList<>();
    for (JsonNode r :
        queryIn(
            "SELECT Id, "
                + OPPORTUNITY_KEY
                + ", IsWon, Amount, CloseDate FROM Opportunity WHERE IsClosed = true AND "
                + OPPORTUNITY_KEY,
            externalKeys)) {
      closed.add(
          new ClosedOpportunity(
              r.path(OPPORTUNITY_KEY).asText(),
              r.path("Id").asText(),
              r.path("IsWon").asBoolean(),
              r.path("Amount").isNumber() ? r.path("Amount").decimalValue() : null,
              closeDate(r.path("CloseDate").asText(""))));
    }
    return closed;
  }

  /** {@code CloseDate} is a date without a time. */
  private static ClosedOpportunity.Close closeDate(String text) {
    try {
      return new ClosedOpportunity.OnDate(java.time.LocalDate.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return new ClosedOpportunity.Unknown();
    }
  }

  /** Account.OwnerId by the match field, as few SOQL queries as the URI limit allows. */
  @Override
  public synchronized Map<String, String> accountOwners(List<String> accountIds)
      throws CrmCallException {
    Map<String, String> owners = new HashMap<>();
    for (JsonNode r :
        queryIn(
            "SELECT "
                + settings.matchField()
                + ", OwnerId FROM Account WHERE "
                + settings.matchField(),
            accountIds)) {
      if (r.path("OwnerId").isTextual()) {
        owners.put(r.path(settings.matchField()).asText(), r.path("OwnerId").asText());
      }
    }
    return owners;
  }

  @Override
  public int actionBatchLimit() {
    return MAX_RECORDS;
  }

  /** One SOQL query on Contact for all the accounts ({@code AccountId IN (...)}). */
  @Override
  public synchronized Map<String, List<Contact>> contacts(List<String> accountCrmIds)
      throws CrmCallException {
    Map<String, List<Contact>> contacts = new HashMap<>();
    for (JsonNode r :
        queryIn("SELECT Id, Title, AccountId FROM Contact WHERE AccountId", accountCrmIds)) {
      contacts
          .computeIfAbsent(r.path("AccountId").asText(), k -> new ArrayList<>())
          .add(new Contact(r.path("Id").asText(), r.path("Title").asText("")));
    }
    return contacts;
  }

  /**
   * CampaignMember records through sObject Collections create, 200 per request; Salesforce's
   * DUPLICATE_VALUE ("Already a campaign member.") counts as enrolled.
   */
  @Override
  public synchronized List<RecordResult> enroll(String campaign, List<String> contactCrmIds)
      throws CrmCallException {
    String campaignId = isCampaignId(campaign) ? campaign : "";
    if (campaignId.isEmpty()) {
      campaignId =
          campaigns("Name", campaign).stream()
              .findFirst()
              .map(c -> c.path("Id").asText())
              .orElseThrow(
                  () ->
                      new CrmCallException(
                          CrmCallException.Kind.REJECTED,
                          200,
                          "CAMPAIGN_NOT_FOUND",
                          noCampaign(campaign)));
    }
    List<RecordResult> results = new ArrayList<>();
    for (int from = 0; from < contactCrmIds.size(); from += MAX_RECORDS) {
      List<String> chunk =
          contactCrmIds.subList(from, Math.min(contactCrmIds.size(), from + MAX_RECORDS));
      List<ObjectNode> members = new ArrayList<>();
      for (String contact : chunk) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.putObject("attributes").put("type", "CampaignMember");
        m.put("CampaignId", campaignId).put("ContactId", contact);
        members.add(m);
      }
      List<JsonNode> saved = create(members);
      for (int i = 0; i < chunk.size(); i++) {
        RecordResult r = result(chunk.get(i), saved.get(i));
        results.add(
            r.success() || r.errorCode().equals("DUPLICATE_VALUE")
                ? RecordResult.ok(chunk.get(i), campaignId, r.success(), 200)
                : r);
      }
    }
    return results;
  }

  private static boolean isCampaignId(String campaign) {
    return campaign.matches("701[A-Za-z0-9]{12}([A-Za-z0-9]{3})?");
  }

  private List<JsonNode> campaigns(String field, String value) throws CrmCallException {
    return query("SELECT Id, Name FROM Campaign WHERE " + field + " = " + literal(value));
  }

  private static String noCampaign(String campaign) {
    return isCampaignId(campaign)
        ? "Salesforce has no campaign with id "
            + campaign
            + ": set the rule's target to an existing"
            + " campaign's id or name"
        : "Salesforce has no campaign named '"
            + campaign
            + "': create it, or set the rule's target to the campaign id";
  }

  /**
   * Tasks with {@code WhatId} = the account, owned by the account's owner, their keys in {@value
   * #TASK_KEY}, through one sObject Collections create; the keys of tasks that may exist already
   * are looked up first with one SOQL query ({@code Headroom_Task_Key__c IN (...)}).
   */
  @Override
  public synchronized List<RecordResult> createTasks(List<TaskWrite> tasks)
      throws CrmCallException {
    if (tasks.size() > MAX_RECORDS) {
      throw new IllegalArgumentException("at most " + MAX_RECORDS + " tasks per request");
    }
    List<String> mayExist = tasks.stream().filter(TaskWrite::mayExist).map(TaskWrite::key).toList();
    Map<String, String> existing = new HashMap<>();
    if (!mayExist.isEmpty()) {
      for (JsonNode r :
          queryIn("SELECT Id, " + TASK_KEY + " FROM Task WHERE " + TASK_KEY, mayExist)) {
        existing.put(r.path(TASK_KEY).asText(), r.path("Id").asText());
      }
    }
    List<TaskWrite> fresh = tasks.stream().filter(t -> !existing.containsKey(t.key())).toList();
    Map<String, String> owners =
        fresh.isEmpty()
            ? Map.of()
            : accountOwners(fresh.stream().map(TaskWrite::accountId).distinct().toList());
    List<ObjectNode> records = new ArrayList<>();
    for (TaskWrite task : fresh) {
      ObjectNode rec = Json.MAPPER.createObjectNode();
      rec.putObject("attributes").put("type", "Task");
      rec.put("Subject", task.subject())
          .put("Description", task.description())
          .put("ActivityDate", task.dueDate().toString())
          .put("WhatId", task.accountCrmId())
          .put("Status", "Not Started")
          .put("Priority", "Normal")
          .put("TaskSubtype", "Call")
          .put(TASK_KEY, task.key());
      if (owners.containsKey(task.accountId())) {
        rec.put("OwnerId", owners.get(task.accountId()));
      }
      records.add(rec);
    }
    List<JsonNode> saved = records.isEmpty() ? List.of() : create(records);
    Map<String, RecordResult> byKey = new HashMap<>();
    for (int i = 0; i < fresh.size(); i++) {
      byKey.put(fresh.get(i).key(), result(fresh.get(i).key(), saved.get(i)));
    }
    existing.forEach((key, id) -> byKey.put(key, RecordResult.ok(key, id, false, 200)));
    return tasks.stream().map(t -> byKey.get(t.key())).toList();
  }

  /** A SaveResult or UpsertResult of sObject Collections; the first error when it failed. */
  private static RecordResult result(String key, JsonNode r) {
    if (r.path("success").asBoolean(false)) {
      return RecordResult.ok(key, r.path("id").asText(), r.path("created").asBoolean(), 200);
    }
    JsonNode error = r.path("errors").path(0);
    return RecordResult.failed(
        key,
        200,
        error.path("statusCode").asText("UNKNOWN_ERROR"),
        error.path("message").asText("Salesforce gave no message"));
  }

  @Override
  public synchronized String recordUrl(String accountCrmId) throws CrmCallException {
    if (session == null) {
      try {
        session = login();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CrmCallException(
            CrmCallException.Kind.TRANSIENT, 0, "INTERRUPTED", "interrupted");
      }
    }
    return session.instanceUrl() + "/lightning/r/Account/" + accountCrmId + "/view";
  }

  /** sObject Collections create ({@code allOrNone=false}): one SaveResult per record in order. */
  private List<JsonNode> create(List<ObjectNode> records) throws CrmCallException {
    ObjectNode body = Json.MAPPER.createObjectNode().put("allOrNone", false);
    ArrayNode list = body.putArray("records");
    records.forEach(list::add);
    String json = Json.write(body);
    HttpResponse<String> response =
        authorized(
            s ->
                request(s, "/composite/sobjects")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json")
                    .build(),
            false);
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() != 200
        || parsed.isEmpty()
        || !parsed.get().isArray()
        || parsed.get().size() != records.size()) {
      throw response.statusCode() == 200
          ? new CrmCallException(
              CrmCallException.Kind.TRANSIENT,
              200,
              "MALFORMED_RESPONSE",
              "Salesforce answered " + Json.describe(response))
          : failure(response, parsed);
    }
    List<JsonNode> results = new ArrayList<>();
    parsed.get().forEach(results::add);
    return results;
  }

  /**
   * The records a SOQL query answers, every page ({@code nextRecordsUrl} until {@code done}:
   * Salesforce answers at most 2,000 records per page).
   */
  private List<JsonNode> query(String soql) throws CrmCallException {
    List<JsonNode> records = new ArrayList<>();
    String next =
        "/services/data/"
            + settings.apiVersion()
            + "/query?q="
            + URLEncoder.encode(soql, StandardCharsets.UTF_8);
    while (next != null) {
      String path = next;
      HttpResponse<String> response = authorized(s -> requestAt(s, path).GET().build());
      Optional<JsonNode> parsed = Json.parse(response.body());
      if (response.statusCode() != 200
          || parsed.isEmpty()
          || !parsed.get().path("records").isArray()) {
        throw failure(response, parsed);
      }
      parsed.get().path("records").forEach(records::add);
      next =
          parsed.get().path("done").asBoolean(true)
              ? null
              : parsed.get().path("nextRecordsUrl").asText(null);
    }
    return records;
  }

  /**
   * The records of {@code <selectWhere> IN (<values>)}, in as many queries as needed to keep each
   * encoded query within {@link #MAX_QUERY_CHARS}.
   *
   * @param selectWhere the query up to the field the IN list applies to
   */
  private List<JsonNode> queryIn(String selectWhere, List<String> values) throws CrmCallException {
    List<JsonNode> records = new ArrayList<>();
    int base = encodedLength(selectWhere + " IN ()");
    StringBuilder in = new StringBuilder();
    int length = base;
    for (String value : values) {
      String literal = literal(value);
      int more = encodedLength(literal) + (in.isEmpty() ? 0 : encodedLength(","));
      if (!in.isEmpty() && length + more > MAX_QUERY_CHARS) {
        records.addAll(query(selectWhere + " IN (" + in + ")"));
        in.setLength(0);
        length = base;
        more = encodedLength(literal);
      }
      in.append(in.isEmpty() ? "" : ",").append(literal);
      length += more;
    }
    if (!in.isEmpty()) {
      records.addAll(query(selectWhere + " IN (" + in + ")"));
    }
    return records;
  }

  private static int encodedLength(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).length();
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** sObject Collections upsert: one request, one result per record in order. */
  private List<RecordResult> upsert(
      String sobject, String externalIdField, List<String> keys, List<ObjectNode> records)
      throws CrmCallException {
    if (records.size() > MAX_RECORDS) {
      throw new IllegalArgumentException("at most " + MAX_RECORDS + " records per request");
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("allOrNone", false);
    ArrayNode list = body.putArray("records");
    for (ObjectNode rec : records) {
      ObjectNode withType = list.addObject();
      withType.putObject("attributes").put("type", sobject);
      withType.setAll(rec);
    }
    String json = Json.write(body);
    HttpResponse<String> response =
        authorized(
            s ->
                request(s, "/composite/sobjects/" + sobject + "/" + externalIdField)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json")
                    .build());
    int status = response.statusCode();
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (status == 200) {
      if (parsed.isEmpty() || !parsed.get().isArray() || parsed.get().size() != keys.size()) {
        String problem =
            parsed.isEmpty()
                ? Json.describe(response)
                : "Salesforce answered "
                    + parsed.get().size()
                    + " results for "
                    + keys.size()
                    + " records";
        return keys.stream()
            .map(k -> RecordResult.failed(k, status, "MALFORMED_RESPONSE", problem))
            .toList();
      }
      List<RecordResult> results = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        results.add(result(keys.get(i), parsed.get().get(i)));
      }
      return results;
    }
    throw failure(response, parsed);
  }

  @Override
  public synchronized List<ConnectionCheck> test(List<FieldMapping> mappings) {
    List<ConnectionCheck> checks = new ArrayList<>();
    try {
      session = login();
      checks.add(
          new ConnectionCheck(
              "authentication", true, "Signed in to " + session.instanceUrl() + " with OAuth 2.0"));
    } catch (CrmCallException e) {
      checks.add(new ConnectionCheck("authentication", false, e.getMessage()));
      return checks;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      checks.add(new ConnectionCheck("authentication", false, "interrupted"));
      return checks;
    }
    Map<String, JsonNode> fields;
    try {
      fields = describeFields(SOBJECT);
      checks.add(new ConnectionCheck("object " + SOBJECT, true, "Account is readable"));
    } catch (CrmCallException e) {
      checks.add(
          new ConnectionCheck(
              "object " + SOBJECT,
              false,
              "Cannot describe Account: "
                  + e.getMessage()
                  + ". Give the integration user access to Account."));
      return checks;
    }
    JsonNode match = fields.get(settings.matchField());
    checks.add(
        match != null && match.path("externalId").asBoolean()
            ? new ConnectionCheck(
                "match field " + settings.matchField(), true, "External ID field on Account")
            : new ConnectionCheck(
                "match field " + settings.matchField(),
                false,
                match == null
                    ? "Account has no field "
                        + settings.matchField()
                        + ": create it as a Text field marked External ID (unique)"
                    : settings.matchField()
                        + " is not marked External ID: edit the field and tick External ID"));
    for (FieldMapping m : mappings) {
      if (m.enabled()) {
        checks.add(fieldCheck(m, fields.get(m.crmField())));
      }
    }
    checks.add(opportunityKeyCheck());
    return checks;
  }

  /** Rules that open opportunities upsert them by {@value #OPPORTUNITY_KEY}. */
  private ConnectionCheck opportunityKeyCheck() {
    String name = "opportunity key " + OPPORTUNITY_KEY;
    try {
      JsonNode f = describeFields("Opportunity").get(OPPORTUNITY_KEY);
      if (f != null) {
        return f.path("externalId").asBoolean()
            ? new ConnectionCheck(name, true, "Opportunities can be opened without duplicates")
            : new ConnectionCheck(
                name,
                false,
                OPPORTUNITY_KEY
                    + " is not marked External ID: edit the field and tick External ID");
      }
      return new ConnectionCheck(
          name,
          false,
          "Opportunity has no field "
              + OPPORTUNITY_KEY
              + ": create it as a Text field marked External ID (unique), or disable the rules that"
              + " open opportunities");
    } catch (CrmCallException e) {
      return new ConnectionCheck(name, false, "Cannot describe Opportunity: " + e.getMessage());
    }
  }

  /** A task carries {@value #TASK_KEY} so that a lost answer is looked up, not created again. */
  @Override
  public synchronized ConnectionCheck testTaskKey() {
    String name = "task key " + TASK_KEY;
    try {
      JsonNode f = describeFields("Task").get(TASK_KEY);
      if (f == null) {
        return new ConnectionCheck(
            name,
            false,
            "Task has no field "
                + TASK_KEY
                + ": create it as a Text field on Activities, or disable the rules that create"
                + " tasks");
      }
      return f.path("createable").asBoolean()
          ? new ConnectionCheck(name, true, "Tasks carry their key, so none is created twice")
          : new ConnectionCheck(
              name,
              false,
              TASK_KEY
                  + " is read-only for the integration user: grant edit access in its field-level"
                  + " security");
    } catch (CrmCallException e) {
      return new ConnectionCheck(
          name,
          false,
          "Cannot describe Task: "
              + e.getMessage()
              + ". Give the integration user access to Task.");
    }
  }

  @Override
  public synchronized ConnectionCheck testCampaign(String campaign) {
    String name = "campaign " + campaign;
    try {
      return campaigns(isCampaignId(campaign) ? "Id" : "Name", campaign).stream()
          .findFirst()
          .map(
              c ->
                  new ConnectionCheck(
                      name,
                      true,
                      "Campaign '"
                          + c.path("Name").asText()
                          + "' ("
                          + c.path("Id").asText()
                          + ") receives the enrolled buyers"))
          .orElse(new ConnectionCheck(name, false, noCampaign(campaign)));
    } catch (CrmCallException e) {
      return new ConnectionCheck(
          name,
          false,
          "Cannot read campaigns: "
              + e.getMessage()
              + ". Give the integration user read access to Campaign.");
    }
  }

  /** The object's fields by API name, from its describe. */
  private Map<String, JsonNode> describeFields(String sobject) throws CrmCallException {
    HttpResponse<String> response =
        authorized(s -> request(s, "/sobjects/" + sobject + "/describe").GET().build());
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() != 200 || parsed.isEmpty()) {
      throw failure(response, parsed);
    }
    Map<String, JsonNode> fields = new HashMap<>();
    parsed.get().path("fields").forEach(f -> fields.put(f.path("name").asText(), f));
    return fields;
  }

  private static ConnectionCheck fieldCheck(FieldMapping m, JsonNode field) {
    String name = "field " + m.crmField();
    if (field == null) {
      return new ConnectionCheck(
          name,
          false,
          "Account has no field "
              + m.crmField()
              + ": create it or change the mapping of "
              + m.source());
    }
    if (!field.path("updateable").asBoolean()) {
      return new ConnectionCheck(
          name,
          false,
          m.crmField()
              + " is read-only for the integration user: grant edit access in its field-level"
              + " security");
    }
    if (m.source().kind() == FieldKind.PICKLIST) {
      List<String> allowed = new ArrayList<>();
      field.path("picklistValues").forEach(v -> allowed.add(v.path("value").asText()));
      List<String> missing = m.missingLabels(allowed);
      if (!missing.isEmpty()) {
        return new ConnectionCheck(
            name,
            false,
            m.crmField()
                + " lacks picklist values "
                + missing
                + ": add them or map them to existing values");
      }
    }
    return new ConnectionCheck(name, true, "writable (" + field.path("type").asText() + ")");
  }

  private interface RequestFor {
    HttpRequest build(Session session);
  }

  /** Sends with the current session; one new session and a resend when it has expired. */
  private HttpResponse<String> authorized(RequestFor request) throws CrmCallException {
    return authorized(request, true);
  }

  /**
   * @param repeatable false for creates: an outage or a lost answer is not resent (see {@link
   *     HttpCaller#sendOnce})
   */
  private HttpResponse<String> authorized(RequestFor request, boolean repeatable)
      throws CrmCallException {
    try {
      if (session == null) {
        session = login();
      }
      HttpResponse<String> response = send(request.build(session), repeatable);
      if (response.statusCode() == 401
          && errorCode(Json.parse(response.body())).equals("INVALID_SESSION_ID")) {
        session = login();
        response = send(request.build(session), repeatable);
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrmCallException(CrmCallException.Kind.TRANSIENT, 0, "INTERRUPTED", "interrupted");
    }
  }

  private HttpResponse<String> send(HttpRequest request, boolean repeatable)
      throws CrmCallException, InterruptedException {
    return repeatable
        ? http.send(request, SalesforceClient::limitExceeded)
        : http.sendOnce(request, SalesforceClient::limitExceeded);
  }

  private Session login() throws CrmCallException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    if (credentials.refreshToken().isEmpty()) {
      form.put("grant_type", "client_credentials");
    } else {
      form.put("grant_type", "refresh_token");
      form.put("refresh_token", credentials.refreshToken());
    }
    form.put("client_id", credentials.clientId());
    form.put("client_secret", credentials.clientSecret());
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/services/oauth2/token"))
            .timeout(http.requestTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, r -> false);
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() == 200
        && parsed.isPresent()
        && parsed.get().hasNonNull("access_token")
        && parsed.get().hasNonNull("instance_url")) {
      return new Session(
          parsed.get().get("access_token").asText(), parsed.get().get("instance_url").asText());
    }
    if (parsed.isPresent() && parsed.get().has("error")) {
      String error = parsed.get().path("error").asText();
      throw new CrmCallException(
          CrmCallException.Kind.AUTH,
          response.statusCode(),
          error,
          "Salesforce refused the sign-in ("
              + error
              + ": "
              + parsed.get().path("error_description").asText()
              + "). Check the connected app's client id and secret"
              + (credentials.refreshToken().isEmpty()
                  ? ", and that the client credentials flow is enabled with a run-as user"
                  : ", and that the refresh token has not been revoked"));
    }
    throw new CrmCallException(
        CrmCallException.Kind.AUTH,
        response.statusCode(),
        "TOKEN_ENDPOINT",
        "The token endpoint "
            + settings.baseUrl()
            + "/services/oauth2/token answered "
            + Json.describe(response)
            + ": check the connection's base URL (the org's My Domain URL)");
  }

  private HttpRequest.Builder request(Session s, String path) {
    return requestAt(s, "/services/data/" + settings.apiVersion() + path);
  }

  /** A request to a path of the instance (a query's {@code nextRecordsUrl} is one). */
  private HttpRequest.Builder requestAt(Session s, String path) {
    return HttpRequest.newBuilder(URI.create(s.instanceUrl() + path))
        .timeout(http.requestTimeout())
        .header("Authorization", "Bearer " + s.accessToken())
        .header("Accept", "application/json");
  }

  private static boolean limitExceeded(HttpResponse<String> response) {
    return response.statusCode() == 403
        && errorCode(Json.parse(response.body())).equals("REQUEST_LIMIT_EXCEEDED");
  }

  private static String errorCode(Optional<JsonNode> body) {
    return body.map(b -> b.path(0).path("errorCode").asText("")).orElse("");
  }

  private static CrmCallException failure(
      HttpResponse<String> response, Optional<JsonNode> parsed) {
    int status = response.statusCode();
    if (parsed.isEmpty() || !parsed.get().isArray()) {
      return new CrmCallException(
          status >= 500 ? CrmCallException.Kind.TRANSIENT : CrmCallException.Kind.REJECTED,
          status,
          "MALFORMED_RESPONSE",
          "Salesforce answered " + Json.describe(response));
    }
    JsonNode error = parsed.get().path(0);
    String code = error.path("errorCode").asText("UNKNOWN_ERROR");
    String message = error.path("message").asText("");
    CrmCallException.Kind kind =
        status == 401 || status == 403
            ? CrmCallException.Kind.AUTH
            : status >= 500 ? CrmCallException.Kind.TRANSIENT : CrmCallException.Kind.REJECTED;
    if (code.equals("REQUEST_LIMIT_EXCEEDED")) {
      kind = CrmCallException.Kind.TRANSIENT;
    }
    return new CrmCallException(kind, status, code, message);
  }

  private static void put(ObjectNode rec, String field, CrmValue value) {
    switch (value) {
      case CrmValue.Text t -> rec.put(field, t.value());
      case CrmValue.Decimal n -> rec.put(field, n.value());
      case CrmValue.Timestamp t -> rec.put(field, DATE_TIME.format(t.value()));
      case CrmValue.Bool b -> rec.put(field, b.value());
      case CrmValue.Empty e -> rec.putNull(field);
    }
  }
}
