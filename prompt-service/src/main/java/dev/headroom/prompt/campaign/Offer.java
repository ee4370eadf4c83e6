package dev.headroom.prompt.campaign;

import java.util.Optional;

/**
 * The commercial offer.
 *
 * @param targetPlanKey pre-selected plan; empty lets the trigger choose
 * @param ctaUrlTemplate the host's checkout URL with {account_id}, {plan_key}, {seats},
 *     {campaign_id}, {variant_key}
 */
public record Offer(
    Optional<String> targetPlanKey,
    int discountPercent,
    boolean annualBilling,
    String ctaUrlTemplate) {}
