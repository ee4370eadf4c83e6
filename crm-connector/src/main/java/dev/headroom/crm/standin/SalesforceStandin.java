package dev.headroom.crm.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
 * Stand-in for a Salesforce org's REST API: the OAuth 2.0 token endpoint (client credentials and
 * refresh token grants), {@code GET /services/data/vXX.X/sobjects/{SObject}/describe}, sObject
 * Collections upsert by external id ({@code PATCH
 * /services/data/vXX.X/composite/sobjects/{SObject}/{ExternalIdField}}, at most 200 records, {@code
 * allOrNone}, one UpsertResult per record in order), sObject Collections create ({@code POST
 * /services/data/vXX.X/composite/sobjects}, at most 200 records, one SaveResult per record) and
 * SOQL queries ({@code GET /services/data/vXX.X/query?q=}, 2,000 records a page behind {@code
 * nextRecordsUrl}, 414 for a URI over 16,384 bytes).
 *
 * <p>Errors have Salesforce's shapes: a list of {@code {"message","errorCode"}} for request-level
 * failures (401 INVALID_SESSION_ID, 400 EXCEEDED_ID_LIMIT / INVALID_FIELD / JSON_PARSER_ERROR, 403
 * REQUEST_LIMIT_EXCEEDED) and {@code
 * {"success":false,"errors":[{"statusCode","message","fields"}]}} per record. Every data response
 * carries {@code Sforce-Limit-Info: api-usage=n/limit}.
 */
public final class SalesforceStandin extends StandinServer {
  public static final int MAX_RECORDS = 200;

  /** Salesforce refuses a request whose URI is longer (414 URI Too Long). */
  static final int MAX_URI_BYTES = 16_384;

  /** Records per page of a query's answer. */
  static final int QUERY_PAGE = 2_000;

  /** The integration user: it owns what it creates unless a record names another owner. */
  public static final String INTEGRATION_USER = "005000000000001AAA";

  private static final Map<String, String> ID_PREFIXES =
      Map.of(
          "Account", "001",
          "Contact", "003",
          "Opportunity", "006",
          "Task", "00T",
          "Campaign", "701",
          "CampaignMember", "00v");

  private final String clientId;
  private final String clientSecret;
  private final String refreshToken;
  private final Map<String, Map<String, StandinField>> schemas = new HashMap<>();
  private final Map<String, Map<String, Map<String, Object>>> records = new HashMap<>();
  private final Set<String> liveTokens = new HashSet<>();
  private final Map<String, String> rejections = new HashMap<>();

  /** The fields upserts used as external ids ("sObject\0field"): unique, so indexed. */
  private final Set<String> externalIdFields = new HashSet<>();

  /** The records still to be read of queries answered in pages, by locator. */
  private final Map<String, ArrayNode> cursors = new HashMap<>();

  /**
   * Record ids by sObject, field and value as upserts and edits wrote them, so an upsert finds its
   * record without a scan (a benchmark writes 100,000 accounts); a hit is checked against the
   * record, so a value changed since then is a miss.
   */
  private final Map<String, String> byFieldValue = new HashMap<>();

  private final Map<String, Set<String>> required = new HashMap<>();
  private final Set<String> loseNextResponse = new HashSet<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong apiUsage = new AtomicLong();
  private int tokensIssued;
  private long dailyLimit = 15_000;

  /**
   * Where changed records go before the request that changed them is answered; null: memory only.
   */
  private Path journal;

  private final StringBuilder unjournaled = new StringBuilder();

  public SalesforceStandin(Clock clock, String clientId, String clientSecret, String refreshToken) {
    super(clock);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken;
  }

  /**
   * Keeps the records in {@code file} from now on, so that they outlive the process: the records a
   * previous run left there are loaded, and every record a request creates or changes is appended
   * (one JSON line with the whole record) and forced to disk before the request is answered. A
   * process killed at any moment loses no answered write; a line it left half written belongs to a
   * request that was never answered and is cut off.
   */
  public synchronized SalesforceStandin durableIn(Path file) throws IOException {
    long intact = 0;
    if (Files.exists(file)) {
      byte[] bytes = Files.readAllBytes(file);
      int start = 0;
      for (int end = 0; end < bytes.length; end++) {
        if (bytes[end] != '\n') {
          continue;
        }
        JsonNode change =
            JSON.readTree(new String(bytes, start, end - start, StandardCharsets.UTF_8));
        String sobject = change.path("sobject").asText();
        String id = change.path("id").asText();
        Map<String, Object> values = new LinkedHashMap<>();
        change
            .path("record")
            .properties()
            .forEach(e -> values.put(e.getKey(), plain(e.getValue())));
        records.computeIfAbsent(sobject, k -> new LinkedHashMap<>()).put(id, values);
        values.forEach((field, value) -> index(sobject, field, value, id));
        ids.set(Math.max(ids.get(), Long.parseLong(id.substring(3))));
        start = end + 1;
      }
      intact = start;
    }
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.truncate(intact);
      out.force(true);
    }
    journal = file;
    return this;
  }

  /** Queues {@code id}'s record as it is now for the journal. */
  private void journal(String sobject, String id) {
    if (journal == null) {
      return;
    }
    ObjectNode line = JSON.createObjectNode().put("sobject", sobject).put("id", id);
    line.set("record", JSON.valueToTree(records.get(sobject).get(id)));
    unjournaled.append(line).append('\n');
  }

  /** Writes the queued records to the journal and forces them to disk. */
  private void flushJournal() {
    if (journal == null || unjournaled.isEmpty()) {
      return;
    }
    try (FileChannel out = FileChannel.open(journal, StandardOpenOption.APPEND)) {
      ByteBuffer bytes = ByteBuffer.wrap(unjournaled.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(false);
      unjournaled.setLength(0);
    } catch (IOException e) {
      throw new UncheckedIOException("the stand-in could not write its journal", e);
    }
  }

  /** Account with the seeds' expansion fields and the Headroom external id, as a new org has. */
  public static List<StandinField> seedAccountFields() {
    return List.of(
        StandinField.of("Name", "string"),
        StandinField.of("Headroom_Account_Id__c", "string"),
        StandinField.of("Expansion_Readiness_Score__c", "double"),
        StandinField.picklist(
            "Expansion_Type__c",
            "picklist",
            List.of("Seat Add", "Tier Upgrade", "Multi-Product", "Usage Increase", "Enterprise")),
        StandinField.of("Expansion_Signals__c", "textarea"),
        StandinField.picklist(
            "Recommended_Action__c",
            "picklist",
            List.of("Self-serve", "Inside Sales", "Field Sales")),
        StandinField.of("Expansion_ARR_Potential__c", "currency"),
        StandinField.of("Last_Signal_Date__c", "datetime"),
        StandinField.of("Immediate_Review__c", "boolean"),
        StandinField.of("OwnerId", "id"));
  }

  /**
   * An org set up for Headroom: Account with the expansion fields, Opportunity with its key and the
   * fields Salesforce requires on create.
   */
  public synchronized SalesforceStandin withHeadroomFields() {
    object("Account", seedAccountFields());
    object("Opportunity", seedOpportunityFields());
    object(
        "Contact",
        List.of(
            StandinField.of("FirstName", "string"),
            StandinField.of("LastName", "string"),
            StandinField.of("Title", "string"),
            StandinField.of("Email", "string"),
            StandinField.of("AccountId", "id")));
    object("Campaign", List.of(StandinField.of("Name", "string")));
    object(
        "CampaignMember",
        List.of(
            StandinField.of("CampaignId", "id"),
            StandinField.of("ContactId", "id"),
            StandinField.of("Status", "string")));
    object(
        "Task",
        List.of(
            StandinField.of("Subject", "string"),
            StandinField.of("Description", "textarea"),
            StandinField.of("ActivityDate", "date"),
            StandinField.of("WhatId", "id"),
            StandinField.of("OwnerId", "id"),
            StandinField.picklist(
                "Status", "picklist", List.of("Not Started", "In Progress", "Completed")),
            StandinField.picklist("Priority", "picklist", List.of("High", "Normal", "Low")),
            StandinField.picklist("TaskSubtype", "picklist", List.of("Task", "Email", "Call")),
            StandinField.of("Headroom_Task_Key__c", "string")));
    requireOnCreate("CampaignMember", Set.of("CampaignId", "ContactId"));
    requireOnCreate("Task", Set.of("Subject"));
    return requireOnCreate("Opportunity", Set.of("Name", "StageName", "CloseDate"));
  }

  /**
   * A contact of the account whose external id is {@code accountExternalId}, as sales would have
   * entered it; returns its id.
   */
  public synchronized String addContact(
      String accountExternalId, String firstName, String lastName, String title) {
    String accountId = id("Account", "Headroom_Account_Id__c", accountExternalId).orElseThrow();
    Map<String, Object> contact = new LinkedHashMap<>();
    contact.put("FirstName", firstName);
    contact.put("LastName", lastName);
    contact.put("Title", title);
    contact.put("Email", firstName.toLowerCase(java.util.Locale.ROOT) + "@example.com");
    contact.put("AccountId", accountId);
    String id = insert("Contact", contact);
    flushJournal();
    return id;
  }

  /** A campaign as marketing would have created it; returns its id. */
  public synchronized String addCampaign(String name) {
    Map<String, Object> campaign = new LinkedHashMap<>();
    campaign.put("Name", name);
    String id = insert("Campaign", campaign);
    flushJournal();
    return id;
  }

  /** The ids of the contacts that are members of the campaign. */
  public synchronized Set<String> campaignMembers(String campaignId) {
    Set<String> members = new HashSet<>();
    records.getOrDefault("CampaignMember", Map.of()).values().stream()
        .filter(m -> campaignId.equals(m.get("CampaignId")))
        .forEach(m -> members.add(String.valueOf(m.get("ContactId"))));
    return members;
  }

  private String insert(String sobject, Map<String, Object> values) {
    String id = newId(sobject);
    records.computeIfAbsent(sobject, k -> new LinkedHashMap<>()).put(id, values);
    values.forEach((field, value) -> index(sobject, field, value, id));
    journal(sobject, id);
    return id;
  }

  private String newId(String sobject) {
    return ID_PREFIXES.getOrDefault(sobject, "a00") + String.format("%015d", ids.incrementAndGet());
  }

  /** Opportunity as an org with the Headroom package has it: key, stage, amount, account link. */
  public static List<StandinField> seedOpportunityFields() {
    return List.of(
        StandinField.of("Name", "string"),
        StandinField.picklist(
            "StageName",
            "picklist",
            List.of("Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost")),
        StandinField.of("CloseDate", "date"),
        StandinField.of("Amount", "currency"),
        StandinField.of("Description", "textarea"),
        StandinField.of("Headroom_Opportunity_Key__c", "string"),
        StandinField.of("Account", "reference"),
        StandinField.of("OwnerId", "id"));
  }

  /**
   * The next upsert of {@code sobject} is carried out but answered 503, as when the connection
   * drops after Salesforce committed: the client cannot know its writes landed.
   */
  public synchronized void loseNextResponse(String sobject) {
    loseNextResponse.add(sobject);
  }

  /** Fields a new record of {@code sobject} must carry (REQUIRED_FIELD_MISSING otherwise). */
  public synchronized SalesforceStandin requireOnCreate(String sobject, Set<String> fields) {
    required.put(sobject, Set.copyOf(fields));
    return this;
  }

  /** Every stored record of an object (field name to value), in creation order. */
  public synchronized List<Map<String, Object>> records(String sobject) {
    return records.getOrDefault(sobject, Map.of()).values().stream().map(Map::copyOf).toList();
  }

  /** Sets fields of a stored record as a CRM user would (e.g. closing an opportunity). */
  public synchronized void edit(
      String sobject, String externalIdField, String externalId, Map<String, Object> values) {
    Map.Entry<String, Map<String, Object>> record =
        records.getOrDefault(sobject, Map.of()).entrySet().stream()
            .filter(r -> externalId.equals(r.getValue().get(externalIdField)))
            .findFirst()
            .orElseThrow();
    record.getValue().putAll(values);
    values.forEach((field, value) -> index(sobject, field, value, record.getKey()));
    journal(sobject, record.getKey());
    flushJournal();
  }

  private void index(String sobject, String field, Object value, String id) {
    if (value instanceof String text) {
      byFieldValue.put(sobject + '\u0000' + field + '\u0000' + text, id);
    }
  }

  private Optional<String> indexed(String sobject, String field, String value) {
    String id = byFieldValue.get(sobject + '\u0000' + field + '\u0000' + value);
    Map<String, Object> record = id == null ? null : records.get(sobject).get(id);
    return record != null && value.equals(record.get(field)) ? Optional.of(id) : Optional.empty();
  }

  public synchronized SalesforceStandin object(String sobject, List<StandinField> fields) {
    Map<String, StandinField> schema = new LinkedHashMap<>();
    fields.forEach(f -> schema.put(f.name(), f));
    schemas.put(sobject, schema);
    records.putIfAbsent(sobject, new LinkedHashMap<>());
    return this;
  }

  /** Every access token issued so far stops working (the session expired). */
  public synchronized void expireSessions() {
    liveTokens.clear();
  }

  public synchronized int tokensIssued() {
    return tokensIssued;
  }

  /**
   * Records whose external id is {@code externalId}, or created records carrying it in a field (a
   * task's key), fail with this error until cleared.
   */
  public synchronized void rejectRecord(String externalId, String message) {
    rejections.put(externalId, message);
  }

  public synchronized void clearRejections() {
    rejections.clear();
  }

  /** The daily API request allowance; requests beyond it get 403 REQUEST_LIMIT_EXCEEDED. */
  public synchronized void dailyLimit(long limit) {
    dailyLimit = limit;
  }

  /** The stored record with this external id value, if any (field name to value). */
  public synchronized Optional<Map<String, Object>> record(
      String sobject, String externalIdField, String externalId) {
    return records.getOrDefault(sobject, Map.of()).values().stream()
        .filter(r -> externalId.equals(r.get(externalIdField)))
        .findFirst()
        .map(Map::copyOf);
  }

  /** The Salesforce id of the record with this external id value, if any. */
  public synchronized Optional<String> id(
      String sobject, String externalIdField, String externalId) {
    return records.getOrDefault(sobject, Map.of()).entrySet().stream()
        .filter(r -> externalId.equals(r.getValue().get(externalIdField)))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public synchronized int recordCount(String sobject) {
    return records.getOrDefault(sobject, Map.of()).size();
  }

  @Override
  protected void routes(HttpRouting.Builder r) {
    r.post("/services/oauth2/token", this::token)
        .get("/services/data/{version}/sobjects/{sobject}/describe", this::describe)
        .get("/services/data/{version}/query", this::query)
        .get("/services/data/{version}/query/{locator}", this::queryMore)
        .post("/services/data/{version}/composite/sobjects", this::create)
        .patch("/services/data/{version}/composite/sobjects/{sobject}/{field}", this::upsert);
  }

  private synchronized void token(ServerRequest req, ServerResponse res) {
    Map<String, String> form = form(req.content().as(String.class));
    String grant = form.getOrDefault("grant_type", "");
    boolean clientOk =
        clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"));
    if (!grant.equals("client_credentials") && !grant.equals("refresh_token")) {
      sendJson(
          res,
          400,
          Map.of(
              "error", "unsupported_grant_type", "error_description", "grant type not supported"));
      return;
    }
    if (!clientOk) {
      sendJson(
          res,
          400,
          Map.of("error", "invalid_client", "error_description", "invalid client credentials"));
      return;
    }
    if (grant.equals("refresh_token") && !refreshToken.equals(form.get("refresh_token"))) {
      sendJson(
          res,
          400,
          Map.of("error", "invalid_grant", "error_description", "expired access/refresh token"));
      return;
    }
    String token = "00D" + UUID.randomUUID().toString().replace("-", "");
    liveTokens.add(token);
    tokensIssued++;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token);
    body.put("instance_url", baseUrl());
    body.put("id", baseUrl() + "/id/00D000000000001/005000000000001");
    body.put("token_type", "Bearer");
    body.put("issued_at", Long.toString(now().toEpochMilli()));
    body.put("signature", "standin");
    sendJson(res, 200, body);
  }

  private synchronized void describe(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!authorized(req, res, at) || answeredByFault(req, res, at)) {
      return;
    }
    String sobject = req.path().pathParameters().get("sobject");
    Map<String, StandinField> schema = schemas.get(sobject);
    if (schema == null) {
      error(res, 404, "NOT_FOUND", "The requested resource does not exist");
      record(req, at, List.of(), 404);
      return;
    }
    ObjectNode body = JSON.createObjectNode().put("name", sobject);
    ArrayNode fields = body.putArray("fields");
    for (StandinField f : schema.values()) {
      ObjectNode field =
          fields
              .addObject()
              .put("name", f.name())
              .put("type", f.type())
              .put("createable", f.writable())
              .put("updateable", f.writable())
              .put("externalId", f.name().startsWith("Headroom_"));
      ArrayNode values = field.putArray("picklistValues");
      f.options().forEach(o -> values.addObject().put("value", o).put("active", true));
    }
    limitHeader(res);
    record(req, at, List.of(), 200);
    sendJson(res, 200, body);
  }

  /**
   * Answers the SOQL the connector sends: {@code SELECT f1, f2 FROM Object WHERE c1 AND c2}, each
   * condition {@code Field = 'text'}, {@code Field = true|false} or {@code Field IN ('a','b')}.
   * Opportunities answer the computed {@code IsClosed} and {@code IsWon} like Salesforce does.
   */
  private synchronized void query(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!authorized(req, res, at) || answeredByFault(req, res, at)) {
      return;
    }
    if (req.prologue().uriPath().rawPath().length() + req.prologue().query().rawValue().length()
        > MAX_URI_BYTES) {
      record(req, at, List.of(), 414);
      sendJson(res, 414, Map.of("message", "URI Too Long"));
      return;
    }
    String soql = req.query().first("q").orElse("");
    java.util.regex.Matcher shape =
        java.util.regex.Pattern.compile("SELECT (.+?) FROM (\\w+) WHERE (.+)").matcher(soql);
    if (!shape.matches() || !records.containsKey(shape.group(2))) {
      record(req, at, List.of(), 400);
      error(res, 400, "MALFORMED_QUERY", "unexpected query for this stand-in: " + soql);
      return;
    }
    List<String> selected = List.of(shape.group(1).split(",\\s*"));
    Map<String, Set<String>> conditions = new LinkedHashMap<>();
    java.util.regex.Matcher condition =
        java.util.regex.Pattern.compile(
                // The IN list as one run of non-')' characters: a repeated group per value
                // recurses per character and overflows the stack on a list of hundreds of ids.
                "(\\w+) (?:= ('(?:[^'\\\\]|\\\\.)*'|true|false)|IN \\(([^)]*)\\))")
            .matcher(shape.group(3));
    while (condition.find()) {
      String values = condition.group(2) != null ? condition.group(2) : condition.group(3);
      Set<String> allowed = new HashSet<>();
      java.util.regex.Matcher quoted =
          java.util.regex.Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'|(true|false)").matcher(values);
      while (quoted.find()) {
        allowed.add(
            quoted.group(1) != null
                ? quoted.group(1).replace("\\'", "'").replace("\\\\", "\\")
                : quoted.group(2));
      }
      conditions.put(condition.group(1), allowed);
    }
    ArrayNode out = JSON.createArrayNode();
    String sobject = shape.group(2);
    Map<String, Map<String, Object>> store = records.get(sobject);
    for (String id : candidates(sobject, conditions)) {
      Map<String, Object> stored = store.get(id);
      boolean matches =
          stored != null
              && conditions.entrySet().stream()
                  .allMatch(
                      c ->
                          c.getValue()
                              .contains(String.valueOf(field(sobject, id, stored, c.getKey()))));
      if (matches) {
        ObjectNode rec = out.addObject();
        rec.putObject("attributes").put("type", sobject);
        for (String f : selected) {
          Object value = field(sobject, id, stored, f);
          if (value == null) {
            rec.putNull(f);
          } else {
            rec.set(f, JSON.valueToTree(value));
          }
        }
      }
    }
    limitHeader(res);
    record(req, at, List.of(), 200);
    sendJson(res, 200, page(req, out, out.size()));
  }

  /** The next page of a query's records, by the locator of its {@code nextRecordsUrl}. */
  private synchronized void queryMore(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!authorized(req, res, at) || answeredByFault(req, res, at)) {
      return;
    }
    ArrayNode rest = cursors.remove(req.path().pathParameters().get("locator"));
    if (rest == null) {
      record(req, at, List.of(), 400);
      error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
      return;
    }
    limitHeader(res);
    record(req, at, List.of(), 200);
    sendJson(res, 200, page(req, rest, rest.size()));
  }

  /**
   * At most {@value #QUERY_PAGE} records, like Salesforce's default batch; the rest is kept behind
   * a {@code nextRecordsUrl}.
   */
  private ObjectNode page(ServerRequest req, ArrayNode records, int totalSize) {
    ObjectNode body = JSON.createObjectNode().put("totalSize", totalSize);
    if (records.size() <= QUERY_PAGE) {
      body.put("done", true).set("records", records);
      return body;
    }
    ArrayNode first = JSON.createArrayNode();
    ArrayNode rest = JSON.createArrayNode();
    for (int i = 0; i < records.size(); i++) {
      (i < QUERY_PAGE ? first : rest).add(records.get(i));
    }
    String locator = "01g" + ids.incrementAndGet() + "-" + QUERY_PAGE;
    cursors.put(locator, rest);
    body.put("done", false)
        .put(
            "nextRecordsUrl",
            "/services/data/" + req.path().pathParameters().get("version") + "/query/" + locator);
    body.set("records", first);
    return body;
  }

  /**
   * The ids of the records a query's conditions may match: by the external id index when a
   * condition is on an external id field (as Salesforce finds them by its index, without reading
   * 100,000 accounts for 100 owners), else every record.
   */
  private java.util.Collection<String> candidates(
      String sobject, Map<String, Set<String>> conditions) {
    for (Map.Entry<String, Set<String>> c : conditions.entrySet()) {
      if (externalIdFields.contains(sobject + '\u0000' + c.getKey())) {
        List<String> ids = new ArrayList<>();
        c.getValue().forEach(v -> indexed(sobject, c.getKey(), v).ifPresent(ids::add));
        return ids;
      }
    }
    return List.copyOf(records.get(sobject).keySet());
  }

  /**
   * A field as a query reads it, with the computed {@code Id}, {@code IsClosed} and {@code IsWon}.
   */
  private static Object field(String sobject, String id, Map<String, Object> stored, String name) {
    if (name.equals("Id")) {
      return id;
    }
    if (sobject.equals("Opportunity") && (name.equals("IsClosed") || name.equals("IsWon"))) {
      String stage = String.valueOf(stored.get("StageName"));
      return name.equals("IsClosed") ? stage.startsWith("Closed") : stage.equals("Closed Won");
    }
    return stored.get(name);
  }

  /**
   * sObject Collections create ({@code POST /services/data/vXX.X/composite/sobjects}): at most 200
   * records, one SaveResult per record in order. A second membership of a contact in a campaign
   * fails with DUPLICATE_VALUE, like Salesforce's.
   */
  private synchronized void create(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!authorized(req, res, at) || answeredByFault(req, res, at)) {
      return;
    }
    limitHeader(res);
    Optional<JsonNode> parsed = jsonBody(req);
    if (parsed.isEmpty() || !parsed.get().path("records").isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "JSON_PARSER_ERROR", "The request body is not a valid sObject collection.");
      return;
    }
    ArrayNode in = (ArrayNode) parsed.get().get("records");
    List<Set<String>> shapes = new ArrayList<>();
    in.forEach(rec -> shapes.add(fieldNames(rec)));
    if (in.size() > MAX_RECORDS) {
      record(req, at, shapes, 400);
      error(res, 400, "EXCEEDED_ID_LIMIT", "record limit reached");
      return;
    }
    for (JsonNode rec : in) {
      String sobject = rec.path("attributes").path("type").asText();
      Map<String, StandinField> schema = schemas.get(sobject);
      Optional<String> problem =
          schema == null
              ? Optional.of("sObject type '" + sobject + "' is not supported.")
              : malformed(JSON.createArrayNode().add(rec), sobject, schema);
      if (problem.isPresent()) {
        record(req, at, shapes, 400);
        error(res, 400, "INVALID_FIELD", problem.get());
        return;
      }
    }
    ArrayNode results = JSON.createArrayNode();
    for (JsonNode rec : in) {
      results.add(createOne(rec.path("attributes").path("type").asText(), rec));
    }
    flushJournal();
    if (loseNextResponse.remove(in.path(0).path("attributes").path("type").asText())) {
      record(req, at, shapes, 503);
      error(res, 503, "SERVER_UNAVAILABLE", "the connection was reset");
      return;
    }
    record(req, at, shapes, 200);
    sendJson(res, 200, results);
  }

  private ObjectNode createOne(String sobject, JsonNode rec) {
    ObjectNode result = JSON.createObjectNode();
    if (missingRequired(sobject, rec, result)) {
      return result;
    }
    for (JsonNode value : rec) {
      String rejection = value.isTextual() ? rejections.get(value.asText()) : null;
      if (rejection != null) {
        return failed(result, "FIELD_CUSTOM_VALIDATION_EXCEPTION", rejection, "");
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : rec.properties()) {
      if (e.getKey().equals("attributes")) {
        continue;
      }
      StandinField field = schemas.get(sobject).get(e.getKey());
      if (field.type().equals("id") && !e.getValue().isNull() && !e.getKey().equals("OwnerId")) {
        String target = e.getValue().asText();
        if (records.values().stream().noneMatch(store -> store.containsKey(target))) {
          return failed(
              result,
              "INVALID_CROSS_REFERENCE_KEY",
              "invalid cross reference id: " + target,
              e.getKey());
        }
      }
      values.put(e.getKey(), plain(e.getValue()));
    }
    if (sobject.equals("CampaignMember")
        && records.getOrDefault(sobject, Map.of()).values().stream()
            .anyMatch(
                m ->
                    m.get("CampaignId").equals(values.get("CampaignId"))
                        && m.get("ContactId").equals(values.get("ContactId")))) {
      return failed(result, "DUPLICATE_VALUE", "Already a campaign member.", "");
    }
    if (schemas.get(sobject).containsKey("OwnerId")) {
      values.putIfAbsent("OwnerId", INTEGRATION_USER);
    }
    String id = insert(sobject, values);
    result.put("id", id).put("success", true).putArray("errors");
    return result;
  }

  private synchronized void upsert(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (!authorized(req, res, at) || answeredByFault(req, res, at)) {
      return;
    }
    if (apiUsage.incrementAndGet() > dailyLimit) {
      record(req, at, List.of(), 403);
      error(res, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      return;
    }
    limitHeader(res);
    String sobject = req.path().pathParameters().get("sobject");
    String externalIdField = req.path().pathParameters().get("field");
    Map<String, StandinField> schema = schemas.get(sobject);
    if (schema == null) {
      record(req, at, List.of(), 404);
      error(res, 404, "NOT_FOUND", "The requested resource does not exist");
      return;
    }
    Optional<JsonNode> parsed = jsonBody(req);
    if (parsed.isEmpty() || !parsed.get().path("records").isArray()) {
      record(req, at, List.of(), 400);
      error(res, 400, "JSON_PARSER_ERROR", "The request body is not a valid sObject collection.");
      return;
    }
    externalIdFields.add(sobject + '\u0000' + externalIdField);
    JsonNode body = parsed.get();
    ArrayNode in = (ArrayNode) body.get("records");
    List<Set<String>> shapes = new ArrayList<>();
    in.forEach(rec -> shapes.add(fieldNames(rec)));
    if (in.size() > MAX_RECORDS) {
      record(req, at, shapes, 400);
      error(
          res,
          400,
          "EXCEEDED_ID_LIMIT",
          "record limit reached. cannot submit more than "
              + MAX_RECORDS
              + " records into this call");
      return;
    }
    if (!schema.containsKey(externalIdField)) {
      record(req, at, shapes, 400);
      error(res, 400, "INVALID_FIELD", "Field " + externalIdField + " is not an external id field");
      return;
    }
    Optional<String> malformed = malformed(in, sobject, schema);
    if (malformed.isPresent()) {
      record(req, at, shapes, 400);
      String problem = malformed.get();
      String code = problem.startsWith("No such column") ? "INVALID_FIELD" : "JSON_PARSER_ERROR";
      error(res, 400, code, problem);
      return;
    }
    boolean allOrNone = body.path("allOrNone").asBoolean(false);
    ArrayNode results = JSON.createArrayNode();
    List<Runnable> writes = new ArrayList<>();
    boolean anyFailed = false;
    for (JsonNode rec : in) {
      ObjectNode result = upsertOne(sobject, externalIdField, schema, rec, writes);
      anyFailed |= !result.path("success").asBoolean();
      results.add(result);
    }
    if (allOrNone && anyFailed) {
      for (JsonNode result : results) {
        if (result.path("success").asBoolean()) {
          ObjectNode rolledBack = (ObjectNode) result;
          rolledBack.put("success", false).remove("id");
          rolledBack
              .putArray("errors")
              .addObject()
              .put("statusCode", "ALL_OR_NONE_OPERATION_ROLLED_BACK")
              .put(
                  "message",
                  "Record rolled back because not all records were valid and the request was using"
                      + " AllOrNone header")
              .putArray("fields");
        }
      }
    } else {
      writes.forEach(Runnable::run);
      flushJournal();
    }
    if (loseNextResponse.remove(sobject)) {
      record(req, at, shapes, 503);
      error(res, 503, "SERVER_UNAVAILABLE", "the connection was reset");
      return;
    }
    record(req, at, shapes, 200);
    sendJson(res, 200, results);
  }

  private ObjectNode upsertOne(
      String sobject,
      String externalIdField,
      Map<String, StandinField> schema,
      JsonNode rec,
      List<Runnable> writes) {
    ObjectNode result = JSON.createObjectNode();
    String key = rec.path(externalIdField).asText("");
    if (key.isEmpty()) {
      return failed(
          result, "MISSING_ARGUMENT", externalIdField + " not specified", externalIdField);
    }
    String rejection = rejections.get(key);
    if (rejection != null) {
      return failed(result, "FIELD_CUSTOM_VALIDATION_EXCEPTION", rejection, "");
    }
    for (Map.Entry<String, JsonNode> e : rec.properties()) {
      if (e.getKey().equals("attributes")) {
        continue;
      }
      StandinField field = schema.get(e.getKey());
      if (!field.writable()) {
        return failed(
            result,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Unable to create/update fields: " + field.name() + ".",
            field.name());
      }
      JsonNode value = e.getValue();
      if (field.type().equals("picklist")
          && !value.isNull()
          && !field.options().contains(value.asText())) {
        return failed(
            result,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            field.name() + ": bad value for restricted picklist field: " + value.asText(),
            field.name());
      }
    }
    Map<String, Object> references = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : rec.properties()) {
      StandinField field = schema.get(e.getKey());
      if (field != null && field.type().equals("reference")) {
        Map.Entry<String, JsonNode> ref = e.getValue().properties().iterator().next();
        Optional<String> target =
            records.getOrDefault(e.getKey(), Map.of()).entrySet().stream()
                .filter(r -> ref.getValue().asText().equals(r.getValue().get(ref.getKey())))
                .map(Map.Entry::getKey)
                .findFirst();
        if (target.isEmpty()) {
          return failed(
              result,
              "INVALID_FIELD",
              "Foreign key external ID: "
                  + ref.getValue().asText()
                  + " not found for field "
                  + ref.getKey()
                  + " in entity "
                  + e.getKey(),
              e.getKey());
        }
        references.put(e.getKey() + "Id", target.get());
      }
    }
    Map<String, Map<String, Object>> store = records.get(sobject);
    Optional<String> existing = indexed(sobject, externalIdField, key);
    String id = existing.orElseGet(() -> newId(sobject));
    if (existing.isEmpty() && missingRequired(sobject, rec, result)) {
      return result;
    }
    Map<String, Object> values = new LinkedHashMap<>(references);
    if (existing.isEmpty() && schema.containsKey("OwnerId")) {
      values.put("OwnerId", INTEGRATION_USER);
    }
    rec.properties()
        .forEach(
            e -> {
              if (!e.getKey().equals("attributes") && !references.containsKey(e.getKey() + "Id")) {
                values.put(e.getKey(), plain(e.getValue()));
              }
            });
    writes.add(
        () -> {
          store.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(values);
          index(sobject, externalIdField, key, id);
          journal(sobject, id);
        });
    result.put("id", id).put("success", true).putArray("errors");
    result.put("created", existing.isEmpty());
    return result;
  }

  /** Fails {@code result} with REQUIRED_FIELD_MISSING when a new record lacks a required field. */
  private boolean missingRequired(String sobject, JsonNode rec, ObjectNode result) {
    List<String> missing =
        required.getOrDefault(sobject, Set.of()).stream()
            .filter(f -> rec.path(f).isMissingNode() || rec.path(f).isNull())
            .sorted()
            .toList();
    if (missing.isEmpty()) {
      return false;
    }
    failed(
        result,
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: " + missing,
        missing.get(0));
    return true;
  }

  private static ObjectNode failed(ObjectNode result, String code, String message, String field) {
    result.put("success", false);
    ObjectNode error = result.putArray("errors").addObject();
    error.put("statusCode", code).put("message", message);
    ArrayNode fields = error.putArray("fields");
    if (!field.isEmpty()) {
      fields.add(field);
    }
    return result;
  }

  /** A request-level problem (the real API rejects the whole request), or empty. */
  private static Optional<String> malformed(
      ArrayNode in, String sobject, Map<String, StandinField> schema) {
    for (JsonNode rec : in) {
      if (!rec.isObject() || !sobject.equals(rec.path("attributes").path("type").asText())) {
        return Optional.of("Each record needs an attributes map with type " + sobject);
      }
      for (Map.Entry<String, JsonNode> e : rec.properties()) {
        if (e.getKey().equals("attributes")) {
          continue;
        }
        StandinField field = schema.get(e.getKey());
        if (field == null) {
          return Optional.of("No such column '" + e.getKey() + "' on sobject of type " + sobject);
        }
        Optional<String> typeProblem = typeProblem(field, e.getValue());
        if (typeProblem.isPresent()) {
          return typeProblem;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> typeProblem(StandinField field, JsonNode value) {
    if (value.isNull()) {
      return Optional.empty();
    }
    boolean ok =
        switch (field.type()) {
          case "double", "currency" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          case "datetime" -> value.isTextual() && parsesAsInstant(value.asText());
          case "date" -> value.isTextual() && parsesAsDate(value.asText());
          case "reference" -> value.isObject() && value.size() == 1;
          case "id" ->
              value.isTextual() && value.asText().matches("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");
          default -> value.isTextual();
        };
    return ok
        ? Optional.empty()
        : Optional.of(
            "Cannot deserialize instance of "
                + field.type()
                + " from "
                + value.getNodeType()
                + " value for field "
                + field.name());
  }

  private static boolean parsesAsDate(String text) {
    try {
      java.time.LocalDate.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean parsesAsInstant(String text) {
    try {
      Instant.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private boolean authorized(ServerRequest req, ServerResponse res, Instant at) {
    Optional<String> token = bearer(req);
    if (token.isPresent() && liveTokens.contains(token.get())) {
      return true;
    }
    record(req, at, List.of(), 401);
    error(res, 401, "INVALID_SESSION_ID", "Session expired or invalid");
    return false;
  }

  private void limitHeader(ServerResponse res) {
    res.header(
        HeaderNames.create("Sforce-Limit-Info"), "api-usage=" + apiUsage.get() + "/" + dailyLimit);
  }

  private static void error(ServerResponse res, int status, String code, String message) {
    sendJson(res, status, List.of(Map.of("message", message, "errorCode", code)));
  }

  private static Set<String> fieldNames(JsonNode rec) {
    Set<String> names = new HashSet<>();
    rec.fieldNames().forEachRemaining(names::add);
    names.remove("attributes");
    return names;
  }

  private static Object plain(JsonNode value) {
    if (value.isNull()) {
      return "";
    }
    if (value.isNumber()) {
      return value.decimalValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.asText();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : java.util.regex.Pattern.compile("&").splitAsStream(body).toList()) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
