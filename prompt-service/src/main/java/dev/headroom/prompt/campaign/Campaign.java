package dev.headroom.prompt.campaign;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-product upgrade campaign, as of one version.
 *
 * @param copy per canonical BCP 47 tag ("de-AT")
 * @param cap the campaign's own frequency cap per user, in addition to the global caps
 */
public record Campaign(
    String campaignId,
    String name,
    CampaignStatus status,
    Trigger trigger,
    Set<Surface> surfaces,
    int priority,
    Map<String, Copy> copy,
    String defaultLocale,
    Offer offer,
    Optional<FrequencyCap> cap,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public Campaign withVersion(long newVersion, Instant created, Instant updated) {
    return new Campaign(
        campaignId,
        name,
        status,
        trigger,
        surfaces,
        priority,
        copy,
        defaultLocale,
        offer,
        cap,
        newVersion,
        created,
        updated);
  }
}
