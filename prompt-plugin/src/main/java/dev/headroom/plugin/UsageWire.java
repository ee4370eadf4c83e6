package dev.headroom.plugin;

import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EventResult;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageEvent;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The only place that knows signal-service's messages: maps usage records to IngestEvents. */
final class UsageWire {
  /** IngestEvents takes at most this many events per call. */
  static final int MAX_EVENTS_PER_CALL = 1000;

  private final SignalServiceGrpc.SignalServiceBlockingStub stub;

  UsageWire(Channel channel, CallCredentials credentials) {
    this.stub = SignalServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
  }

  /** Sends a batch of at most {@link #MAX_EVENTS_PER_CALL} events. */
  EventPipeline.Result ingest(List<UsageRecord> events, Duration deadline) {
    IngestEventsRequest.Builder request = IngestEventsRequest.newBuilder();
    for (UsageRecord e : events) {
      UsageEvent.Builder b =
          UsageEvent.newBuilder()
              .setEventId(e.eventId())
              .setAccountId(e.accountId())
              .setOccurredAt(PromptWire.timestamp(e.occurredAt()))
              .setKind(e.kind())
              .setPayload(struct(e.payload()));
      if (e.userId() != null) {
        b.setUserId(e.userId());
      }
      request.addEvents(b);
    }
    IngestEventsResponse response =
        stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
            .ingestEvents(request.build());
    List<RejectedEvent> rejected = new ArrayList<>();
    for (EventResult r : response.getResultsList()) {
      if (r.getOutcome() == EventOutcome.EVENT_OUTCOME_REJECTED) {
        rejected.add(PromptWire.rejected(r.getEventId(), r.getError()));
      }
    }
    return EventPipeline.Result.of(events.size(), rejected);
  }

  private static Struct struct(Map<String, Object> payload) {
    Struct.Builder s = Struct.newBuilder();
    payload.forEach((name, value) -> s.putFields(name, value(value)));
    return s.build();
  }

  private static Value value(Object v) {
    if (v instanceof String str) {
      return Value.newBuilder().setStringValue(str).build();
    }
    if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    }
    if (v instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (v == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    return Value.newBuilder().setStringValue(v.toString()).build();
  }
}
