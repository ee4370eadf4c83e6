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
import java.util.Collection;
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
   * One SOQL query per 100 keys: {@code SELECT Id, Headroom_Opportunity_Key__c, IsWon, Amount,
   * CloseDate FROM Opportunity WHERE IsClosed = true AND Headroom_Opportunity_Key__c IN (...)}.
   */
  @Override
  public synchronized List<ClosedOpportunity> closedOpportunities(List<String> externalKeys)
      throws CrmCallException {
    List<ClosedOpportunity> closed = new ArrayList<>();
    for (int from = 0; from < externalKeys.size(); from += 100) {
      List<JsonNode> records =
          query(
              "SELECT Id, "
                  + OPPORTUNITY_KEY
                  + ", IsWon, Amount, CloseDate FROM Opportunity WHERE IsClosed = true AND "
                  + OPPORTUNITY_KEY
                  + " IN ("
                  + quoted(externalKeys.subList(from, Math.min(externalKeys.size(), from + 100)))
                  + ")");
      for (JsonNode r : records) {
        closed.add(
            new ClosedOpportunity(
                r.path(OPPORTUNITY_KEY).asText(),
                r.path("Id").asText(),
                r.path("IsWon").asBoolean(),
                r.path("Amount").isNumber() ? r.path("Amount").decimalValue() : null,
                closeDate(r.path("CloseDate").asText(""))));
      }
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

  /** Account.OwnerId by the match field, 100 accounts per SOQL query. */
  @Override
  public synchronized Map<String, String> accountOwners(List<String> accountIds)
      throws CrmCallException {
    Map<String, String> owners = new HashMap<>();
    for (int from = 0; from < accountIds.size(); from += 100) {
      for (JsonNode r :
          query(
              "SELECT "
                  + settings.matchField()
                  + ", OwnerId FROM Account WHERE "
                  + settings.matchField()
                  + " IN ("
                  + quoted(accountIds.subList(from, Math.min(accountIds.size(), from + 100)))
                  + ")")) {
        if (r.path("OwnerId").isTextual()) {
          owners.put(r.path(settings.matchField()).asText(), r.path("OwnerId").asText());
        }
      }
    }
    return owners;
  }

  @Override
  public synchronized List<Contact> contacts(String accountCrmId) throws CrmCallException {
    List<Contact> contacts = new ArrayList<>();
    for (JsonNode r :
        query("SELECT Id, Title FROM Contact WHERE AccountId = " + literal(accountCrmId))) {
      contacts.add(new Contact(r.path("Id").asText(), r.path("Title").asText("")));
    }
    return contacts;
  }

  /**
   * CampaignMember records through sObject Collections create, 200 per request; Salesforce's
   * DUPLICATE_VALUE ("Already a campaign member.") counts as enrolled.
   */
  @Override
  public synchronized String enroll(String campaign, List<String> contactCrmIds)
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
    for (int from = 0; from < contactCrmIds.size(); from += MAX_RECORDS) {
      List<ObjectNode> members = new ArrayList<>();
      for (String contact :
          contactCrmIds.subList(from, Math.min(contactCrmIds.size(), from + MAX_RECORDS))) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.putObject("attributes").put("type", "CampaignMember");
        m.put("CampaignId", campaignId).put("ContactId", contact);
        members.add(m);
      }
      for (JsonNode r : create(members)) {
        JsonNode error = r.path("errors").path(0);
        if (!r.path("success").asBoolean(false)
            && !error.path("statusCode").asText().equals("DUPLICATE_VALUE")) {
          throw new CrmCallException(
              CrmCallException.Kind.REJECTED,
              200,
              error.path("statusCode").asText("UNKNOWN_ERROR"),
              error.path("message").asText("Salesforce gave no message"));
        }
      }
    }
    return campaignId;
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
   * A Task with {@code WhatId} = the account, owned by the account's owner, its key in {@value
   * #TASK_KEY} (looked up first when an earlier attempt may have created it).
   */
  @Override
  public synchronized String createTask(TaskWrite task, boolean mayExist) throws CrmCallException {
    if (mayExist) {
      List<JsonNode> found =
          query("SELECT Id FROM Task WHERE " + TASK_KEY + " = " + literal(task.key()));
      if (!found.isEmpty()) {
        return found.get(0).path("Id").asText();
      }
    }
    String owner = accountOwners(List.of(task.accountId())).get(task.accountId());
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
    if (owner != null) {
      rec.put("OwnerId", owner);
    }
    JsonNode result = create(List.of(rec)).get(0);
    if (!result.path("success").asBoolean(false)) {
      JsonNode error = result.path("errors").path(0);
      throw new CrmCallException(
          CrmCallException.Kind.REJECTED,
          200,
          error.path("statusCode").asText("UNKNOWN_ERROR"),
          error.path("message").asText("Salesforce gave no message"));
    }
    return result.path("id").asText();
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

  /** The records a SOQL query answers (one page: the connector's queries are bounded). */
  private List<JsonNode> query(String soql) throws CrmCallException {
    HttpResponse<String> response =
        authorized(
            s ->
                request(s, "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8))
                    .GET()
                    .build());
    Optional<JsonNode> parsed = Json.parse(response.body());
    if (response.statusCode() != 200
        || parsed.isEmpty()
        || !parsed.get().path("records").isArray()) {
      throw failure(response, parsed);
    }
    List<JsonNode> records = new ArrayList<>();
    parsed.get().path("records").forEach(records::add);
    return records;
  }

  /** SOQL string literals, comma-separated, with quotes and backslashes escaped. */
  private static String quoted(List<String> values) {
    return values.stream().map(SalesforceClient::literal).collect(Collectors.joining(","));
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
        JsonNode r = parsed.get().get(i);
        if (r.path("success").asBoolean(false)) {
          results.add(
              RecordResult.ok(
                  keys.get(i), r.path("id").asText(), r.path("created").asBoolean(), 200));
        } else {
          JsonNode error = r.path("errors").path(0);
          results.add(
              RecordResult.failed(
                  keys.get(i),
                  200,
                  error.path("statusCode").asText("UNKNOWN_ERROR"),
                  error.path("message").asText("Salesforce gave no message")));
        }
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

  @Override
  public synchronized List<ConnectionCheck> testRuleTargets(
      boolean createsTasks, Collection<String> campaigns) {
    List<ConnectionCheck> checks = new ArrayList<>();
    if (createsTasks) {
      checks.add(taskKeyCheck());
    }
    for (String campaign : campaigns) {
      checks.add(campaignCheck(campaign));
    }
    return checks;
  }

  /** A task carries {@value #TASK_KEY} so that a lost answer is looked up, not created again. */
  private ConnectionCheck taskKeyCheck() {
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

  private ConnectionCheck campaignCheck(String campaign) {
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
    return HttpRequest.newBuilder(
            URI.create(s.instanceUrl() + "/services/data/" + settings.apiVersion() + path))
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
