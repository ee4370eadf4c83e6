package dev.headroom.prompt.context;

/** A feature of the catalog. */
public record FeatureInfo(String featureKey, String productKey, String displayName) {}
