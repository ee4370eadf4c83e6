package dev.headroom.scoring.domain;

/**
 * Kinds of growth. Declaration order is the canonical order (DOMAIN.md "Types, ARR potential"):
 * types are listed in it and it breaks ties between equally valuable types.
 */
public enum ExpansionType {
  SEAT_ADD,
  TIER_UPGRADE,
  USAGE_INCREASE,
  MULTI_PRODUCT,
  ENTERPRISE
}
