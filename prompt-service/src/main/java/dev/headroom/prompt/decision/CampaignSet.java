package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.experiment.Experiment;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The active campaigns, highest priority first (ties by campaign id, so the winner is the same on
 * every replica), and per campaign the experiment that governs it: the running one, else the last
 * stopped one.
 */
public record CampaignSet(List<Campaign> byPriority, Map<String, Experiment> governing) {
  public static final Comparator<Campaign> PRIORITY =
      Comparator.comparingInt(Campaign::priority).reversed().thenComparing(Campaign::campaignId);

  public CampaignSet {
    byPriority = byPriority.stream().sorted(PRIORITY).toList();
    governing = Map.copyOf(governing);
  }

  public static CampaignSet empty() {
    return new CampaignSet(List.of(), Map.of());
  }

  public Optional<Experiment> experimentOf(String campaignId) {
    return Optional.ofNullable(governing.get(campaignId));
  }
}
