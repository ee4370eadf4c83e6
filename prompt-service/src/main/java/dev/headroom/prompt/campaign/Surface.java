package dev.headroom.prompt.campaign;

/** Where in the host product a prompt can appear. */
public enum Surface {
  FEATURE_USE,
  HOME,
  BILLING
}
