package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Campaigns with their version history. */
@RegisterConstructorMapper(DefinitionRow.class)
public interface CampaignDao {

  @SqlUpdate(
      """
      INSERT INTO campaign (campaign_id, version, status, definition, request_id, created_at, updated_at)
      VALUES (:id, 1, :status, :definition, :requestId, :at, :at)\
      """)
  void insert(
      @Bind("id") String id,
      @Bind("status") String status,
      @Bind("definition") byte[] definition,
      @Bind("requestId") String requestId,
      @Bind("at") OffsetDateTime at);

  @SqlUpdate(
      """
      UPDATE campaign SET version = :version, status = :status, definition = :definition,
        updated_at = :at
      WHERE campaign_id = :id AND version = :version - 1\
      """)
  int update(
      @Bind("id") String id,
      @Bind("version") long version,
      @Bind("status") String status,
      @Bind("definition") byte[] definition,
      @Bind("at") OffsetDateTime at);

  @SqlUpdate(
      """
      INSERT INTO campaign_version (campaign_id, version, definition, written_at)
      VALUES (:id, :version, :definition, :at)\
      """)
  void keepVersion(
      @Bind("id") String id,
      @Bind("version") long version,
      @Bind("definition") byte[] definition,
      @Bind("at") OffsetDateTime at);

  @SqlQuery(
      "SELECT campaign_id AS id, version, status, definition FROM campaign WHERE campaign_id = :id")
  Optional<DefinitionRow> get(@Bind("id") String id);

  @SqlQuery(
      """
      SELECT campaign_id AS id, version, status, definition FROM campaign
      WHERE request_id = :requestId\
      """)
  Optional<DefinitionRow> byRequestId(@Bind("requestId") String requestId);

  @SqlQuery(
      """
      SELECT campaign_id AS id, version, status, definition FROM campaign
      WHERE campaign_id > :after ORDER BY campaign_id LIMIT :limit\
      """)
  List<DefinitionRow> page(@Bind("after") String after, @Bind("limit") int limit);

  @SqlQuery(
      """
      SELECT campaign_id AS id, version, status, definition FROM campaign
      WHERE status = 'ACTIVE' ORDER BY campaign_id\
      """)
  List<DefinitionRow> active();
}
