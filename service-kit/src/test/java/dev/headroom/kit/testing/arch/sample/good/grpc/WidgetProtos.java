package dev.headroom.kit.testing.arch.sample.good.grpc;

import com.google.protobuf.Timestamp;
import dev.headroom.kit.testing.arch.sample.good.domain.Widget;

/** The edge: maps the domain to the wire. */
public final class WidgetProtos {
  private WidgetProtos() {}

  public static Timestamp createdAt(Widget w) {
    return Timestamp.newBuilder().setSeconds(w.createdAt().getEpochSecond()).build();
  }
}
