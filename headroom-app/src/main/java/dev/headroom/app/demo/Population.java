package dev.headroom.app.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The simulated host's customer base, the same for the same seed and size. */
final class Population {
  private Population() {}

  /**
   * Creates {@code size} accounts. The first accounts take one persona each, so even a small run
   * shows every kind of customer; the rest follow the personas' mix.
   */
  static List<SimulatedAccount> create(long seed, int size, Instant simulationStart) {
    Persona[] personas = Persona.values();
    int totalWeight = 0;
    for (Persona p : personas) {
      totalWeight += p.mixPercent();
    }
    List<SimulatedAccount> accounts = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Persona persona;
      if (i < personas.length) {
        persona = personas[i];
      } else {
        SplittableRandom r = Randoms.of(seed, i, -1);
        int pick = r.nextInt(totalWeight);
        int k = 0;
        while (pick >= personas[k].mixPercent()) {
          pick -= personas[k].mixPercent();
          k++;
        }
        persona = personas[k];
      }
      accounts.add(new SimulatedAccount(seed, i + 1, persona, simulationStart));
    }
    return List.copyOf(accounts);
  }
}
