package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Experiments; at most one RUNNING per campaign (a partial unique index). */
@RegisterConstructorMapper(DefinitionRow.class)
public interface ExperimentDao {

  @SqlUpdate(
      """
      INSERT INTO experiment (experiment_id, campaign_id, version, status, definition, request_id,
        created_at, updated_at)
      VALUES (:id, :campaignId, 1, 'DRAFT', :definition, :requestId, :at, :at)\
      """)
  void insert(
      @Bind("id") String id,
      @Bind("campaignId") String campaignId,
      @Bind("definition") byte[] definition,
      @Bind("requestId") String requestId,
      @Bind("at") OffsetDateTime at);

  @SqlUpdate(
      """
      UPDATE experiment SET version = :version, status = :status, definition = :definition,
        updated_at = :at
      WHERE experiment_id = :id AND version = :version - 1\
      """)
  int update(
      @Bind("id") String id,
      @Bind("version") long version,
      @Bind("status") String status,
      @Bind("definition") byte[] definition,
      @Bind("at") OffsetDateTime at);

  String SELECT = "SELECT experiment_id AS id, version, status, definition FROM experiment ";

  @SqlQuery(SELECT + "WHERE experiment_id = :id")
  Optional<DefinitionRow> get(@Bind("id") String id);

  @SqlQuery(SELECT + "WHERE request_id = :requestId")
  Optional<DefinitionRow> byRequestId(@Bind("requestId") String requestId);

  @SqlQuery(
      SELECT
          + """
          WHERE experiment_id > :after AND (:campaignId = '' OR campaign_id = :campaignId)
          ORDER BY experiment_id LIMIT :limit\
          """)
  List<DefinitionRow> page(
      @Bind("campaignId") String campaignId, @Bind("after") String after, @Bind("limit") int limit);

  /** Per campaign, the experiment that governs it: the running one, else the last stopped one. */
  @SqlQuery(
      """
      SELECT DISTINCT ON (campaign_id) experiment_id AS id, version, status, definition
      FROM experiment WHERE status IN ('RUNNING', 'STOPPED')
      ORDER BY campaign_id, status = 'RUNNING' DESC, updated_at DESC\
      """)
  List<DefinitionRow> governing();
}
