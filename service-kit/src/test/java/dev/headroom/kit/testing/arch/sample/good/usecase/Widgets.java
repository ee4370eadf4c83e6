package dev.headroom.kit.testing.arch.sample.good.usecase;

import dev.headroom.kit.testing.arch.sample.good.db.WidgetRows;
import dev.headroom.kit.testing.arch.sample.good.domain.Widget;

/** A use case: calls db/ and the core, never the wire. */
public final class Widgets {
  public long createdMillis(Widget w) {
    return WidgetRows.createdAt(w).getTime();
  }
}
