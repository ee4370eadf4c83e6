package dev.headroom.prompt.experiment;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.prompt.campaign.DefinitionCodec;
import dev.headroom.prompt.db.CampaignDao;
import dev.headroom.prompt.db.DefinitionRow;
import dev.headroom.prompt.db.ExperimentDao;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Experiment lifecycle: DRAFT (design editable) → RUNNING (at most one per campaign) → STOPPED
 * (serving the chosen variant, or nothing). Every write tells {@code onChange}.
 */
public final class Experiments {
  private final Jdbi jdbi;
  private final DefinitionCodec<Experiment> codec;
  private final Clock clock;
  private final Runnable onChange;

  public Experiments(Jdbi jdbi, DefinitionCodec<Experiment> codec, Clock clock, Runnable onChange) {
    this.jdbi = jdbi;
    this.codec = codec;
    this.clock = clock;
    this.onChange = onChange;
  }

  public Experiment create(Experiment draft, String requestId) {
    Instant now = clock.instant();
    String id = draft.experimentId().isEmpty() ? "x-" + UUID.randomUUID() : draft.experimentId();
    Experiment e =
        new Experiment(
            id,
            draft.campaignId(),
            draft.name(),
            Experiment.Status.DRAFT,
            draft.unit(),
            draft.salt().isEmpty() ? id : draft.salt(),
            draft.variants(),
            draft.holdoutBasisPoints(),
            draft.attributionWindow(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            1);
    Experiment created =
        jdbi.inTransaction(
            h -> {
              ExperimentDao dao = h.attach(ExperimentDao.class);
              if (!requestId.isEmpty()) {
                Optional<DefinitionRow> previous = dao.byRequestId(requestId);
                if (previous.isPresent()) {
                  Experiment earlier = codec.decode(previous.get().definition());
                  if (earlier.campaignId().equals(e.campaignId())
                      && earlier.variants().equals(e.variants())
                      && earlier.name().equals(e.name())) {
                    return earlier;
                  }
                  throw new DomainException.AlreadyExists("request", requestId);
                }
              }
              if (h.attach(CampaignDao.class).get(e.campaignId()).isEmpty()) {
                throw new DomainException.NotFound("campaign", e.campaignId());
              }
              if (dao.get(id).isPresent()) {
                throw new DomainException.AlreadyExists("experiment", id);
              }
              if (runningOn(h, e.campaignId())) {
                throw new DomainException.FailedPrecondition(
                    Reason.FAILED_PRECONDITION,
                    "campaign " + e.campaignId() + " already has a running experiment");
              }
              try {
                dao.insert(
                    id,
                    e.campaignId(),
                    codec.encode(e),
                    requestId.isEmpty() ? null : requestId,
                    now.atOffset(ZoneOffset.UTC));
              } catch (UnableToExecuteStatementException ex) {
                // A concurrent create took the id or the request id first.
                throw new DomainException.AlreadyExists("experiment", id);
              }
              return e;
            });
    onChange.run();
    return created;
  }

  /** Replaces a DRAFT's design (the campaign stays). */
  public Experiment update(Experiment change, long expectedVersion) {
    return transition(
        change.experimentId(),
        expectedVersion,
        current -> {
          requireStatus(current, Experiment.Status.DRAFT, "only a DRAFT experiment can change");
          return new Experiment(
              current.experimentId(),
              current.campaignId(),
              change.name(),
              Experiment.Status.DRAFT,
              change.unit(),
              change.salt().isEmpty() ? current.salt() : change.salt(),
              change.variants(),
              change.holdoutBasisPoints(),
              change.attributionWindow(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              current.version() + 1);
        });
  }

  public Experiment start(String experimentId) {
    Instant now = clock.instant();
    try {
      return transition(
          experimentId,
          0,
          current -> {
            requireStatus(current, Experiment.Status.DRAFT, "only a DRAFT experiment can start");
            return current.withState(
                Experiment.Status.RUNNING,
                Optional.of(now),
                Optional.empty(),
                Optional.empty(),
                current.version() + 1);
          });
    } catch (UnableToExecuteStatementException e) {
      // The partial unique index: another experiment of the campaign started concurrently.
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION, "the campaign already has a running experiment");
    }
  }

  /**
   * @param serveVariantKey the variant everyone gets from now on; empty serves nothing
   */
  public Experiment stop(String experimentId, Optional<String> serveVariantKey) {
    Instant now = clock.instant();
    return transition(
        experimentId,
        0,
        current -> {
          requireStatus(current, Experiment.Status.RUNNING, "only a RUNNING experiment can stop");
          if (serveVariantKey.isPresent() && current.variant(serveVariantKey.get()).isEmpty()) {
            throw DomainException.InvalidArgument.of(
                "serve_variant_key", "not a variant of experiment " + experimentId);
          }
          return current.withState(
              Experiment.Status.STOPPED,
              current.startedAt(),
              Optional.of(now),
              serveVariantKey,
              current.version() + 1);
        });
  }

  public Experiment get(String experimentId) {
    return jdbi.withExtension(ExperimentDao.class, dao -> dao.get(experimentId))
        .map(r -> codec.decode(r.definition()))
        .orElseThrow(() -> new DomainException.NotFound("experiment", experimentId));
  }

  public List<Experiment> page(String campaignId, PageRequest page) {
    String after = page.firstPage() ? "" : page.after().get(0);
    return jdbi
        .withExtension(ExperimentDao.class, dao -> dao.page(campaignId, after, page.size() + 1))
        .stream()
        .map(r -> codec.decode(r.definition()))
        .toList();
  }

  /** Per campaign, the running experiment or else the last stopped one. */
  public List<Experiment> governing() {
    return jdbi.withExtension(ExperimentDao.class, ExperimentDao::governing).stream()
        .map(r -> codec.decode(r.definition()))
        .toList();
  }

  private interface Step {
    Experiment apply(Experiment current);
  }

  private Experiment transition(String experimentId, long expectedVersion, Step step) {
    Instant now = clock.instant();
    Experiment next =
        jdbi.inTransaction(
            h -> {
              ExperimentDao dao = h.attach(ExperimentDao.class);
              DefinitionRow row =
                  dao.get(experimentId)
                      .orElseThrow(() -> new DomainException.NotFound("experiment", experimentId));
              if (expectedVersion != 0 && expectedVersion != row.version()) {
                throw new DomainException.FailedPrecondition(
                    Reason.FAILED_PRECONDITION,
                    "expected_version does not match the current version " + row.version());
              }
              Experiment result = step.apply(codec.decode(row.definition()));
              if (dao.update(
                      experimentId,
                      result.version(),
                      result.status().name(),
                      codec.encode(result),
                      now.atOffset(ZoneOffset.UTC))
                  == 0) {
                throw new DomainException.FailedPrecondition(
                    Reason.FAILED_PRECONDITION,
                    "the experiment changed concurrently; read it again");
              }
              return result;
            });
    onChange.run();
    return next;
  }

  private static boolean runningOn(Handle h, String campaignId) {
    return h.createQuery(
                "SELECT count(*) FROM experiment WHERE campaign_id = :c AND status = 'RUNNING'")
            .bind("c", campaignId)
            .mapTo(Long.class)
            .one()
        > 0;
  }

  private static void requireStatus(Experiment e, Experiment.Status wanted, String message) {
    if (e.status() != wanted) {
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION, message + " (it is " + e.status() + ")");
    }
  }
}
