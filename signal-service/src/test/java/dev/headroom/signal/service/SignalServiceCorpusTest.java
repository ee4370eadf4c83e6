package dev.headroom.signal.service;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.SignalRule;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UpdateSignalRuleRequest;
import dev.headroom.api.signal.v1.User;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.corpus.BadInputCorpus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every RPC of signal-service answers generated bad input clearly (over TCP to 127.0.0.1). */
class SignalServiceCorpusTest extends BadInputCorpus {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final Instant SIGNUP = Instant.parse("2026-01-05T00:00:00Z");
  private static SignalTestSupport service;

  @BeforeAll
  static void start() {
    service = SignalTestSupport.startOverTcp(PG.database());
    service.seedCatalog();
    service.putAccount("acct-1", "pro", 5, SIGNUP);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Override
  protected Target target() {
    return Target.of(service.channel, SignalServiceGrpc.getServiceDescriptor())
        .withSeed(
            PutPlanRequest.newBuilder()
                .setPlan(SignalTestSupport.plan("team", 3, 2000, 0, 10))
                .build())
        .withSeed(
            PutAccountRequest.newBuilder()
                .setAccount(
                    Account.newBuilder()
                        .setAccountId("acct-2")
                        .setName("Globex")
                        .setArr(SignalTestSupport.usd(120_000))
                        .setCurrencyCode("USD")
                        .setLocale("en-US")
                        .setRegion("us")
                        .setCrmOwner("owner-1")
                        .setSignupTime(SignalTestSupport.ts(SIGNUP))
                        .addSubscriptions(
                            Subscription.newBuilder()
                                .setProductKey("core")
                                .setPlanKey("pro")
                                .setSeatsPurchased(5)
                                .setSince(SignalTestSupport.ts(SIGNUP))))
                .build())
        .withSeed(GetAccountRequest.newBuilder().setAccountId("acct-1").build())
        .withSeed(
            PutUserRequest.newBuilder()
                .setUser(
                    User.newBuilder()
                        .setUserId("user-1")
                        .setAccountId("acct-1")
                        .setRole(UserRole.USER_ROLE_MEMBER)
                        .setTeam("ops")
                        .setAddedTime(SignalTestSupport.ts(SIGNUP)))
                .build())
        .withSeed(ListUsersRequest.newBuilder().setAccountId("acct-1").setPageSize(10).build())
        .withSeed(
            IngestEventsRequest.newBuilder()
                .addEvents(
                    SignalTestSupport.event(
                        "evt-1",
                        "acct-1",
                        "user-1",
                        SIGNUP.plusSeconds(3600),
                        "feature_used",
                        Map.of("feature_key", "reports")))
                .build())
        .withSeed(
            ListAccountSignalsRequest.newBuilder()
                .setAccountId("acct-1")
                .addTypes(SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
                .setPageSize(10)
                .build())
        .withSeed(
            UpdateSignalRuleRequest.newBuilder()
                .setRule(
                    SignalRule.newBuilder()
                        .setType(SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
                        .setEnabled(true)
                        .putThresholds("utilization", "0.80")
                        .putWindows(
                            "sustain", Duration.newBuilder().setSeconds(14 * 86_400).build()))
                .setActor("admin")
                .build())
        .withSeed(
            GetUsageSnapshotRequest.newBuilder()
                .setAccountId("acct-1")
                .setAsOf(SignalTestSupport.ts(SIGNUP.plusSeconds(86_400)))
                .build());
  }
}
