package dev.headroom.kit.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.outbox.OutboxEntry;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.CreateWidgetResponse;
import dev.headroom.kittest.v1.ListWidgetsRequest;
import dev.headroom.kittest.v1.ListWidgetsResponse;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.Widget;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** A thin gRPC adapter in the shape the real services use: validate, call the store, map. */
public final class WidgetGrpc extends WidgetServiceGrpc.WidgetServiceImplBase {
  public static final String STREAM = "widgets";
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
    new DomainException.Violations()
        .check(!req.getName().isBlank(), "name", "must not be empty")
        .check(
            req.getQuantity() >= 1 && req.getQuantity() <= 1000,
            "quantity",
            "must be within 1..1000")
        .throwIfAny();
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
    watch.watch(STREAM, req.getCursor(), obs, WidgetGrpc::toMessage);
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
