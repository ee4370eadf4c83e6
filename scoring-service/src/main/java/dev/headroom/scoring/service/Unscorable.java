package dev.headroom.scoring.service;

/**
 * Why a snapshot cannot be scored (yet): the account is provisional, or the catalog does not fit
 * it.
 */
public final class Unscorable extends Exception {
  public Unscorable(String message) {
    super(message, null, false, false);
  }
}
