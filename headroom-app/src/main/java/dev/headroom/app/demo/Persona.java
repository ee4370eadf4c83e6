package dev.headroom.app.demo;

/**
 * How a simulated customer account behaves. The mix weights are percentages of the population; the
 * buying rates are what the account does once someone offers it the expansion its usage points to.
 */
enum Persona {
  SEAT_GROWER("a team growing into its seat limit", 12, 0.60, 0.030),
  PREMIUM_SEEKER("users repeatedly hitting a premium feature", 10, 0.55, 0.015),
  API_INTEGRATOR("an API-heavy integrator near its meter limit", 8, 0.55, 0.030),
  ENTERPRISE_READY("a large account ready for enterprise", 5, 0.60, 0),
  REP_OWNED("an account already owned by a sales rep", 8, 0.50, 0),
  STEADY("a steady team content with its plan", 30, 0.20, 0.004),
  STAGNANT("a stagnant account", 15, 0.08, 0),
  TRIAL("a trial that has not activated yet", 12, 0, 0);

  private final String description;
  private final int mixPercent;
  private final double salesWinRate;
  private final double selfServeDailyRate;

  Persona(String description, int mixPercent, double salesWinRate, double selfServeDailyRate) {
    this.description = description;
    this.mixPercent = mixPercent;
    this.salesWinRate = salesWinRate;
    this.selfServeDailyRate = selfServeDailyRate;
  }

  String description() {
    return description;
  }

  int mixPercent() {
    return mixPercent;
  }

  /** Chance that a sales conversation about a well-founded opportunity ends won. */
  double salesWinRate() {
    return salesWinRate;
  }

  /** Chance per day that the account buys a self-serve expansion on its own in the billing page. */
  double selfServeDailyRate() {
    return selfServeDailyRate;
  }
}
