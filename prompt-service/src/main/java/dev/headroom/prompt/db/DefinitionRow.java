package dev.headroom.prompt.db;

/** A stored campaign or experiment definition (the encoded contract message). */
public record DefinitionRow(String id, long version, String status, byte[] definition) {}
