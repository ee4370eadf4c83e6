package dev.headroom.crm.domain;

/** One check of a connection test, with what works or what to fix. */
public record ConnectionCheck(String name, boolean passed, String detail) {}
