package dev.headroom.scoring.domain;

/**
 * Kinds of growth. Declaration order is the canonical order (docs/scoring.md "Expansion types"):
 * types are listed in it and it breaks ties between equally valuable types.
 */
public enum ExpansionType {
  SEAT_ADD(0),
  TIER_UPGRADE(1),
  USAGE_INCREASE(2),
  MULTI_PRODUCT(3),
  ENTERPRISE(4);

  private final int storedBit;

  /** The bit is stored in the score tables' type masks, so it never follows the declaration. */
  ExpansionType(int storedBit) {
    this.storedBit = storedBit;
  }

  /** This type's bit in a stored type mask. */
  public int maskBit() {
    return 1 << storedBit;
  }
}
