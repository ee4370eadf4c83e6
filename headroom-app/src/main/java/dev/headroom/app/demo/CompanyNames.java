package dev.headroom.app.demo;

import java.util.List;
import java.util.SplittableRandom;

/** Plausible company names for simulated accounts, so the report reads like a real pipeline. */
final class CompanyNames {
  private static final List<String> FIRST =
      List.of(
          "Acme",
          "Blue",
          "Northwind",
          "Globex",
          "Initech",
          "Umbrella",
          "Stark",
          "Wayne",
          "Tyrell",
          "Cyberdyne",
          "Soylent",
          "Hooli",
          "Pied",
          "Vandelay",
          "Wonka",
          "Gringotts",
          "Oscorp",
          "Aperture",
          "Black Mesa",
          "Massive",
          "Sterling",
          "Prestige",
          "Duff",
          "Monarch");
  private static final List<String> SECOND =
      List.of(
          "Labs",
          "Logistics",
          "Health",
          "Capital",
          "Robotics",
          "Foods",
          "Media",
          "Energy",
          "Analytics",
          "Systems",
          "Studios",
          "Partners",
          "Works",
          "Retail",
          "Bio",
          "Cloud");

  private CompanyNames() {}

  static String pick(SplittableRandom r) {
    return FIRST.get(r.nextInt(FIRST.size())) + " " + SECOND.get(r.nextInt(SECOND.size()));
  }
}
