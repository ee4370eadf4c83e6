package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaigns;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Experiments;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The campaigns and experiments the decision uses, reloaded after every local write and every
 * refresh interval (so another replica's change takes effect here too, without a restart).
 */
public final class LiveCampaigns implements Supplier<CampaignSet>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LiveCampaigns.class.getName());

  private volatile CampaignSet current = CampaignSet.empty();
  private volatile Campaigns campaigns;
  private volatile Experiments experiments;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "campaign-refresh");
            t.setDaemon(true);
            return t;
          });

  /** Connects the sources (they call {@link #reload()} on writes, hence the late binding). */
  // The periodic task handles its own failures; shutting the executor down cancels it.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void start(Campaigns campaigns, Experiments experiments, Duration refreshInterval) {
    this.campaigns = campaigns;
    this.experiments = experiments;
    reload();
    long every = Math.max(1, refreshInterval.toMillis());
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            reload();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reloading campaigns failed; keeping the loaded ones", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Reloads after a local write. The write is committed already, so a failing reload must not fail
   * it: the periodic refresh catches up.
   */
  public void reloadAfterWrite() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reloading campaigns after a write failed; the refresh catches up", e);
    }
  }

  public synchronized void reload() {
    if (campaigns == null) {
      return;
    }
    Map<String, Experiment> governing = new HashMap<>();
    for (Experiment e : experiments.governing()) {
      governing.put(e.campaignId(), e);
    }
    current = new CampaignSet(campaigns.active(), governing);
  }

  @Override
  public CampaignSet get() {
    return current;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
