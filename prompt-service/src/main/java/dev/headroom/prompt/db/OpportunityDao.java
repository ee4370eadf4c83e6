package dev.headroom.prompt.db;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The expansion opportunities crm-connector reports open. */
@RegisterConstructorMapper(OpportunityDao.OpenRow.class)
public interface OpportunityDao {

  /** One open opportunity. */
  record OpenRow(String externalKey, String accountId) {}

  /** Records an open opportunity; a redelivery (or an older change) changes nothing. */
  @SqlUpdate(
      """
      INSERT INTO open_opportunity (external_key, account_id, opened_cursor)
      VALUES (:externalKey, :accountId, :cursor)
      ON CONFLICT (external_key) DO UPDATE SET account_id = EXCLUDED.account_id,
        opened_cursor = EXCLUDED.opened_cursor
      WHERE open_opportunity.opened_cursor < EXCLUDED.opened_cursor\
      """)
  void open(
      @Bind("externalKey") String externalKey,
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor);

  @SqlUpdate("DELETE FROM open_opportunity WHERE external_key = :externalKey")
  void close(@Bind("externalKey") String externalKey);

  @SqlQuery("SELECT external_key, account_id FROM open_opportunity")
  List<OpenRow> all();
}
