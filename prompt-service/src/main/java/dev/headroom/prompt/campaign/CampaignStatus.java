package dev.headroom.prompt.campaign;

/** A campaign's state; only ACTIVE campaigns are considered by the decision. */
public enum CampaignStatus {
  DRAFT,
  ACTIVE,
  PAUSED,
  ARCHIVED
}
