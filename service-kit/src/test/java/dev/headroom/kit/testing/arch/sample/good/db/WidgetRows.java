package dev.headroom.kit.testing.arch.sample.good.db;

import dev.headroom.kit.testing.arch.sample.good.domain.Widget;
import java.sql.Timestamp;

/** The database side: may use the domain core and JDBC. */
public final class WidgetRows {
  private WidgetRows() {}

  public static Timestamp createdAt(Widget w) {
    return Timestamp.from(w.createdAt());
  }
}
