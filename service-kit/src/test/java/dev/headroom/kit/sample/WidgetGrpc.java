package dev.headroom.kit.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.outbox.OutboxEntry;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.CreateWidgetResponse;
import dev.headroom.kittest.v1.ListWidgetsRequest;
import dev.headroom.kittest.v1.ListWidgetsResponse;
import dev.headroom.kittest.v1.Part;
import dev.headroom.kittest.v1.PlanWidgetRequest;
import dev.headroom.kittest.v1.PlanWidgetResponse;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.Widget;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** A thin gRPC adapter in the shape the real services use: validate, call the store, map. */
public final class WidgetGrpc extends WidgetServiceGrpc.WidgetServiceImplBase {
  public static final String STREAM = "widgets";
  static final Set<String> PLAN_MASK =
      Set.of("description", "color", "available_at", "lead_time", "weight_kg", "price", "tags");
  private static final int MAX_TAGS = 100;
  private final Jdbi jdbi;
  private final Outbox outbox;
  private final OutboxWatch watch;
  private final Paging paging;

  public WidgetGrpc(Jdbi jdbi, Outbox outbox, OutboxWatch watch, Paging paging) {
    this.jdbi = jdbi;
    this.outbox = outbox;
    this.watch = watch;
    this.paging = paging;
  }

  @Override
  public void createWidget(CreateWidgetRequest req, StreamObserver<CreateWidgetResponse> obs) {
    Validation v = Validation.of();
    v.identifier("name", req.getName());
    v.range("quantity", req.getQuantity(), 1, 1000);
    v.throwIfInvalid();
    if (req.getName().equals("boom")) {
      // Simulates a bug whose message must not reach the client.
      throw new IllegalStateException("secret internal detail: password=hunter2");
    }
    Widget w = Widget.newBuilder().setName(req.getName()).setQuantity(req.getQuantity()).build();
    long seq =
        jdbi.inTransaction(
            h -> {
              int inserted =
                  h.createUpdate(
                          "INSERT INTO widget (name, quantity) VALUES (:n, :q) ON CONFLICT DO"
                              + " NOTHING")
                      .bind("n", w.getName())
                      .bind("q", w.getQuantity())
                      .execute();
              if (inserted == 0) {
                throw new DomainException.AlreadyExists("widget", w.getName());
              }
              return outbox.append(h, STREAM, w.getName(), w.toByteArray());
            });
    obs.onNext(CreateWidgetResponse.newBuilder().setWidget(w).setSeq(seq).build());
    obs.onCompleted();
  }

  @Override
  public void listWidgets(ListWidgetsRequest req, StreamObserver<ListWidgetsResponse> obs) {
    PageRequest page = paging.request("ListWidgets", req.getPageSize(), req.getPageToken());
    String after = page.firstPage() ? "" : page.after().get(0);
    List<Widget> rows =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT name, quantity FROM widget WHERE name > :after ORDER BY name LIMIT"
                            + " :limit")
                    .bind("after", after)
                    .bind("limit", page.size() + 1)
                    .map(
                        (rs, ctx) ->
                            Widget.newBuilder()
                                .setName(rs.getString(1))
                                .setQuantity(rs.getInt(2))
                                .build())
                    .list());
    boolean more = rows.size() > page.size();
    List<Widget> shown = more ? rows.subList(0, page.size()) : rows;
    String next =
        paging.nextToken(
            "ListWidgets",
            page,
            more,
            shown.isEmpty() ? List.of() : List.of(shown.get(shown.size() - 1).getName()));
    obs.onNext(
        ListWidgetsResponse.newBuilder().addAllWidgets(shown).setNextPageToken(next).build());
    obs.onCompleted();
  }

  @Override
  public void watchWidgets(WatchWidgetsRequest req, StreamObserver<WatchWidgetsResponse> obs) {
    watch.watch(STREAM, req.getAfterCursor(), obs, WidgetGrpc::toMessage);
  }

  /** Every kind of field the kit validates, checked the way a real adapter does. */
  @Override
  public void planWidget(PlanWidgetRequest req, StreamObserver<PlanWidgetResponse> obs) {
    Validation v = Validation.of();
    String id = v.identifier("widget_id", req.getWidgetId());
    v.text("description", req.getDescription(), Limits.MAX_LONG_TEXT_CHARS);
    v.requiredEnum("color", req.getColor());
    v.requiredTimestamp("available_at", req.hasAvailableAt() ? req.getAvailableAt() : null);
    v.duration(
        "lead_time",
        req.hasLeadTime() ? req.getLeadTime() : null,
        Duration.ZERO,
        Duration.ofDays(365));
    if (!req.getWeightKg().isEmpty()) {
      v.nonNegativeDecimal("weight_kg", req.getWeightKg());
    }
    v.money("price", req.getPrice().getCurrencyCode(), req.getPrice().getMinorUnits());
    v.updateMask("update_mask", req.getUpdateMask().getPathsList(), PLAN_MASK);
    if (v.check(req.getTagsCount() <= MAX_TAGS, "tags", "at most " + MAX_TAGS + " tags")
        .isValid()) {
      for (int i = 0; i < req.getTagsCount(); i++) {
        v.at("tags", i).identifier("", req.getTags(i));
      }
    }
    if (req.hasAssembly()) {
      checkPart(v.at("assembly"), req.getAssembly());
    }
    v.throwIfInvalid();
    obs.onNext(PlanWidgetResponse.newBuilder().setWidgetId(id).build());
    obs.onCompleted();
  }

  private static void checkPart(Validation at, Part part) {
    at.identifier("name", part.getName());
    at.check(part.getPartsCount() <= MAX_TAGS, "parts", "at most " + MAX_TAGS + " parts");
    for (int i = 0; i < Math.min(part.getPartsCount(), MAX_TAGS); i++) {
      checkPart(at.at("parts", i), part.getParts(i));
    }
  }

  private static WatchWidgetsResponse toMessage(OutboxEntry e) {
    try {
      return WatchWidgetsResponse.newBuilder()
          .setCursor(e.seq())
          .setKey(e.key())
          .setWidget(Widget.parseFrom(e.payload()))
          .build();
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("corrupt outbox payload at seq " + e.seq(), ex);
    }
  }
}
