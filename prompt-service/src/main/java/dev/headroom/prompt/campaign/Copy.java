package dev.headroom.prompt.campaign;

/** A prompt's text in one locale, with {variables}; members see the member body and label. */
public record Copy(
    String title, String body, String ctaLabel, String memberBody, String memberCtaLabel) {}
