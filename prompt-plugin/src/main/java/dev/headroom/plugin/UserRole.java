package dev.headroom.plugin;

/** The role of a user inside a customer account. */
public enum UserRole {
  OWNER,
  ADMIN,
  BILLING,
  MEMBER
}
