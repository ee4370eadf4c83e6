package dev.headroom.prompt.decision;

/** The user's role as the host passes it; OWNER, ADMIN and BILLING can buy. */
public enum UserRole {
  OWNER,
  ADMIN,
  BILLING,
  MEMBER;

  public boolean buyer() {
    return this != MEMBER;
  }
}
