package dev.headroom.plugin;

/** Where in the host product a prompt would appear. */
public enum Surface {
  /** The moment a user touches a feature; give the feature key. */
  FEATURE_USE,
  /** The home page or login; no feature key. */
  HOME,
  /** The billing page; no feature key. */
  BILLING
}
