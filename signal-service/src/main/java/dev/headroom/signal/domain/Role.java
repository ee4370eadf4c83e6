package dev.headroom.signal.domain;

/** A user's role inside a customer account. */
public enum Role {
  OWNER,
  ADMIN,
  BILLING,
  MEMBER;

  /** Buyers get the self-serve offer; members get "request an upgrade from your admin". */
  public boolean isBuyer() {
    return this != MEMBER;
  }

  /** OWNER and ADMIN count for "new admins". */
  public boolean isAdmin() {
    return this == OWNER || this == ADMIN;
  }
}
