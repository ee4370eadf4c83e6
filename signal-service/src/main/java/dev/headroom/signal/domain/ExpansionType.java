package dev.headroom.signal.domain;

/** Kinds of growth, in the canonical order that breaks ties (docs/scoring.md "Expansion types"). */
public enum ExpansionType {
  SEAT_ADD,
  TIER_UPGRADE,
  USAGE_INCREASE,
  MULTI_PRODUCT,
  ENTERPRISE
}
