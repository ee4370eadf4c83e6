package dev.headroom.prompt.campaign;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.prompt.db.CampaignDao;
import dev.headroom.prompt.db.DefinitionRow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Campaign administration: versioned writes (every version kept), optimistic concurrency, and
 * idempotent creates by request id. Every write tells {@code onChange} so it takes effect at once.
 */
public final class Campaigns {
  private final Jdbi jdbi;
  private final DefinitionCodec<Campaign> codec;
  private final Clock clock;
  private final Runnable onChange;

  public Campaigns(Jdbi jdbi, DefinitionCodec<Campaign> codec, Clock clock, Runnable onChange) {
    this.jdbi = jdbi;
    this.codec = codec;
    this.clock = clock;
    this.onChange = onChange;
  }

  public Campaign create(Campaign draft, String requestId) {
    Instant now = clock.instant();
    String id = draft.campaignId().isEmpty() ? "c-" + UUID.randomUUID() : draft.campaignId();
    Campaign campaign = withId(draft, id).withVersion(1, now, now);
    Campaign created =
        jdbi.inTransaction(
            h -> {
              CampaignDao dao = h.attach(CampaignDao.class);
              if (!requestId.isEmpty()) {
                var previous = dao.byRequestId(requestId);
                if (previous.isPresent()) {
                  Campaign earlier = codec.decode(previous.get().definition());
                  if (sameDesign(earlier, campaign, draft.campaignId().isEmpty())) {
                    return earlier;
                  }
                  throw new DomainException.AlreadyExists("request", requestId);
                }
              }
              if (dao.get(id).isPresent()) {
                throw new DomainException.AlreadyExists("campaign", id);
              }
              byte[] definition = codec.encode(campaign);
              try {
                dao.insert(
                    id,
                    campaign.status().name(),
                    definition,
                    requestId.isEmpty() ? null : requestId,
                    now.atOffset(ZoneOffset.UTC));
              } catch (UnableToExecuteStatementException e) {
                // A concurrent create took the id or the request id first.
                throw new DomainException.AlreadyExists("campaign", id);
              }
              dao.keepVersion(id, 1, definition, now.atOffset(ZoneOffset.UTC));
              return campaign;
            });
    onChange.run();
    return created;
  }

  /**
   * @param expectedVersion the version the caller read; 0 skips the check
   */
  public Campaign update(Campaign change, long expectedVersion) {
    Instant now = clock.instant();
    Campaign updated =
        jdbi.inTransaction(
            h -> {
              CampaignDao dao = h.attach(CampaignDao.class);
              DefinitionRow row =
                  dao.get(change.campaignId())
                      .orElseThrow(
                          () -> new DomainException.NotFound("campaign", change.campaignId()));
              if (expectedVersion != 0 && expectedVersion != row.version()) {
                throw versionMismatch(row.version());
              }
              Campaign current = codec.decode(row.definition());
              Campaign next = change.withVersion(row.version() + 1, current.createdAt(), now);
              byte[] definition = codec.encode(next);
              if (dao.update(
                      next.campaignId(),
                      next.version(),
                      next.status().name(),
                      definition,
                      now.atOffset(ZoneOffset.UTC))
                  == 0) {
                throw versionMismatch(row.version());
              }
              dao.keepVersion(
                  next.campaignId(), next.version(), definition, now.atOffset(ZoneOffset.UTC));
              return next;
            });
    onChange.run();
    return updated;
  }

  public Campaign get(String campaignId) {
    return jdbi.withExtension(CampaignDao.class, dao -> dao.get(campaignId))
        .map(r -> codec.decode(r.definition()))
        .orElseThrow(() -> new DomainException.NotFound("campaign", campaignId));
  }

  public boolean exists(String campaignId) {
    return jdbi.withExtension(CampaignDao.class, dao -> dao.get(campaignId)).isPresent();
  }

  /** A page in campaign id order, one row more than asked when another page follows. */
  public List<Campaign> page(PageRequest page) {
    String after = page.firstPage() ? "" : page.after().get(0);
    return jdbi.withExtension(CampaignDao.class, dao -> dao.page(after, page.size() + 1)).stream()
        .map(r -> codec.decode(r.definition()))
        .toList();
  }

  public List<Campaign> active() {
    return jdbi.withExtension(CampaignDao.class, CampaignDao::active).stream()
        .map(r -> codec.decode(r.definition()))
        .toList();
  }

  private static DomainException versionMismatch(long current) {
    return new DomainException.FailedPrecondition(
        Reason.FAILED_PRECONDITION,
        "expected_version does not match the current version " + current);
  }

  private boolean sameDesign(Campaign earlier, Campaign retry, boolean generatedId) {
    Campaign normalized = generatedId ? withId(retry, earlier.campaignId()) : retry;
    return normalized
        .withVersion(earlier.version(), earlier.createdAt(), earlier.updatedAt())
        .equals(earlier);
  }

  private static Campaign withId(Campaign c, String id) {
    return new Campaign(
        id,
        c.name(),
        c.status(),
        c.trigger(),
        c.surfaces(),
        c.priority(),
        c.copy(),
        c.defaultLocale(),
        c.offer(),
        c.cap(),
        c.version(),
        c.createdAt(),
        c.updatedAt());
  }
}
