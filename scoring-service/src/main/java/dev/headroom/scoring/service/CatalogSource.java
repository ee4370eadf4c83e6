package dev.headroom.scoring.service;

import dev.headroom.scoring.domain.PlanCatalog;

/** The host's plan catalog as last read from signal-service. */
public interface CatalogSource {
  /** The cached catalog, loading it first if it never was. */
  PlanCatalog current();

  /** Re-reads it now. */
  void refresh();
}
