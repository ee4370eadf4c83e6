package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Prompt events, idempotent by event id. */
@RegisterConstructorMapper(PromptEventDao.EventRow.class)
@RegisterConstructorMapper(PromptEventDao.DismissalRow.class)
public interface PromptEventDao {

  record EventRow(
      String eventId,
      String kind,
      String decisionId,
      OffsetDateTime occurredAt,
      String accountId,
      String userId,
      long revenueMinor,
      String currencyCode,
      byte[] contentHash,
      OffsetDateTime receivedAt) {}

  /** A dismissal with the user it belongs to (from the event, else from its exposure). */
  record DismissalRow(String accountId, String userId, OffsetDateTime occurredAt) {}

  /** 1 when stored, 0 when the id was taken. */
  @SqlUpdate(
      """
      INSERT INTO prompt_event (event_id, kind, decision_id, occurred_at, account_id, user_id,
        revenue_minor, currency_code, content_hash, received_at)
      VALUES (:eventId, :kind, :decisionId, :occurredAt, :accountId, :userId, :revenueMinor,
        :currencyCode, :contentHash, :receivedAt)
      ON CONFLICT (event_id) DO NOTHING\
      """)
  int insert(@BindMethods EventRow row);

  @SqlQuery("SELECT content_hash FROM prompt_event WHERE event_id = :id")
  Optional<byte[]> hashOf(@Bind("id") String eventId);

  @SqlQuery(
      """
      SELECT COALESCE(NULLIF(e.account_id, ''), x.account_id) AS account_id,
             COALESCE(NULLIF(e.user_id, ''), x.user_id) AS user_id, e.occurred_at
      FROM prompt_event e LEFT JOIN exposure x ON x.decision_id = e.decision_id
      WHERE e.kind = 'DISMISSED' AND e.occurred_at > :since
        AND COALESCE(NULLIF(e.user_id, ''), x.user_id) IS NOT NULL\
      """)
  List<DismissalRow> dismissalsSince(@Bind("since") OffsetDateTime since);
}
