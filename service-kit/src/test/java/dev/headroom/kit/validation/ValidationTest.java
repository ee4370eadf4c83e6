package dev.headroom.kit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.error.Reason;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationTest {

  private static List<String> fields(Validation v) {
    return v.violations().stream().map(FieldViolation::field).toList();
  }

  private static String onlyDescription(Validation v) {
    assertEquals(1, v.violations().size(), () -> v.violations().toString());
    return v.violations().get(0).description();
  }

  @Test
  void identifiersMustBePresentShortAndFreeOfControlCharacters() {
    Validation v = Validation.of();
    v.identifier("a", "acct-1");
    v.identifier("b", "  \t ");
    v.identifier("c", "x".repeat(Limits.MAX_IDENTIFIER_CHARS + 1));
    v.identifier("d", "ab\u0000cd");
    v.identifier("e", "line\nbreak");
    v.optionalIdentifier("f", "");
    v.identifier("g", "\ud800x");
    assertEquals(List.of("b", "c", "d", "e", "g"), fields(v));
  }

  @Test
  void textRejectsNulAndLengthButAcceptsEmptyAndUnicode() {
    Validation v = Validation.of();
    v.text("ok", "", 10);
    v.text("emoji", "😀".repeat(10), 10);
    v.text("nul", "name\u0000", 10);
    v.text("long", "x".repeat(11), 10);
    v.requiredText("blank", " ", 10);
    assertEquals(List.of("nul", "long", "blank"), fields(v));
  }

  @Test
  void descriptionsQuoteOnlyAShortPrefixOfTheValue() {
    Validation v = Validation.of();
    v.text("description", "y\u0000" + "y".repeat(70_000), 100_000);
    String d = onlyDescription(v);
    assertTrue(d.length() < 200, d);
    assertTrue(d.contains("y\\u0000yy"), d);
    assertTrue(d.contains("70002 characters"), d);
  }

  @Test
  void enumsRejectUnspecifiedWhereRequiredAndUnknownNumbersAlways() {
    Validation v = Validation.of();
    v.requiredEnum("set", NullValue.NULL_VALUE);
    v.optionalEnum("unknown", NullValue.UNRECOGNIZED);
    v.requiredEnum("unknownRequired", NullValue.UNRECOGNIZED);
    assertEquals(List.of("set", "unknown", "unknownRequired"), fields(v));
  }

  @Test
  void timestampsFollowProtobufRules() {
    Validation v = Validation.of();
    Instant ok =
        v.requiredTimestamp("ok", Timestamp.newBuilder().setSeconds(1_700_000_000).build());
    assertEquals(Instant.ofEpochSecond(1_700_000_000), ok);
    v.requiredTimestamp("missing", null);
    assertNull(v.optionalTimestamp("absent", null));
    v.optionalTimestamp("year0", Timestamp.newBuilder().setSeconds(-62_135_596_801L).build());
    v.optionalTimestamp(
        "year300000", Timestamp.newBuilder().setSeconds(9_400_000_000_000L).build());
    v.optionalTimestamp("negativeNanos", Timestamp.newBuilder().setNanos(-1).build());
    v.optionalTimestamp("bigNanos", Timestamp.newBuilder().setNanos(1_000_000_000).build());
    v.optionalTimestamp(
        "firstInstant",
        Timestamp.newBuilder().setSeconds(Limits.MIN_TIMESTAMP.getEpochSecond()).build());
    assertEquals(List.of("missing", "year0", "year300000", "negativeNanos", "bigNanos"), fields(v));
  }

  @Test
  void durationsFollowProtobufRulesAndTheGivenRange() {
    Validation v = Validation.of();
    java.time.Duration max = Limits.MAX_DURATION;
    assertEquals(
        java.time.Duration.ofDays(14),
        v.duration(
            "ok",
            Duration.newBuilder().setSeconds(14 * 86_400).build(),
            java.time.Duration.ZERO,
            max));
    v.duration(
        "mixedSigns",
        Duration.newBuilder().setSeconds(1).setNanos(-1).build(),
        java.time.Duration.ZERO,
        max);
    v.duration(
        "huge",
        Duration.newBuilder().setSeconds(Long.MAX_VALUE).build(),
        java.time.Duration.ZERO,
        max);
    v.duration(
        "negative", Duration.newBuilder().setSeconds(-1).build(), java.time.Duration.ZERO, max);
    assertEquals(List.of("mixedSigns", "huge", "negative"), fields(v));
  }

  @Test
  void decimalsAreBoundedBeforeTheyAreParsed() {
    Validation v = Validation.of();
    assertEquals(new BigDecimal("0.85"), v.decimal("ok", "0.85"));
    assertEquals(new BigDecimal("2.5e3"), v.decimal("exponent", "2.5e3"));
    assertEquals(
        new BigDecimal("1.000000000000000000000"), v.decimal("zeros", "1.000000000000000000000"));
    v.decimal("hugeExponent", "1e999999999");
    v.decimal("tinyExponent", "1e-999999999");
    v.decimal("bigButShortExponent", "1e9999");
    v.decimal("tooLong", "1".repeat(65));
    v.decimal("notANumber", "NaN");
    v.decimal("infinity", "Infinity");
    v.decimal("hex", "0x10");
    v.decimal("empty", "");
    v.decimal("twoPoints", "1.2.3");
    v.decimal("scale", "0.0000000000000000001");
    v.nonNegativeDecimal("negative", "-1");
    assertEquals(
        List.of(
            "hugeExponent",
            "tinyExponent",
            "bigButShortExponent",
            "tooLong",
            "notANumber",
            "infinity",
            "hex",
            "empty",
            "twoPoints",
            "scale",
            "negative"),
        fields(v));
  }

  @Test
  void moneyNeedsAnIsoCurrencyAndABoundedAmount() {
    Validation v = Validation.of().at("plan");
    assertEquals("EUR", v.money("price", "EUR", 1999).getCurrencyCode());
    v.money("empty", "", 1);
    v.money("madeUp", "ABC", 1);
    v.money("lower", "usd", 1);
    v.money("negative", "USD", -1);
    v.money("huge", "USD", Long.MAX_VALUE);
    v.signedMoney("delta", "USD", -500);
    assertEquals(
        List.of(
            "plan.empty.currency_code",
            "plan.madeUp.currency_code",
            "plan.lower.currency_code",
            "plan.negative.minor_units",
            "plan.huge.minor_units"),
        fields(v));
  }

  @Test
  void pageSizeFollowsOneRule() {
    Validation v = Validation.of();
    assertEquals(50, v.pageSize("page_size", 0, 50, 500));
    assertEquals(7, v.pageSize("page_size", 7, 50, 500));
    assertEquals(500, v.pageSize("page_size", Integer.MAX_VALUE, 50, 500));
    assertTrue(v.isValid());
    v.pageSize("page_size", -1, 50, 500);
    assertEquals(List.of("page_size"), fields(v));
  }

  @Test
  void updateMaskNamesOnlyKnownPathsAndIsBounded() {
    Validation v = Validation.of();
    Set<String> known = Set.of("name", "locale");
    assertEquals(
        Set.of("name", "locale"),
        v.updateMask("update_mask", List.of("name", "locale", "name"), known));
    v.updateMask("update_mask", List.of("name", "owner"), known);
    v.updateMask("second_mask", java.util.Collections.nCopies(65, "name"), known);
    assertEquals(List.of("update_mask.paths[1]", "second_mask.paths"), fields(v));
  }

  @Test
  void nestedPathsAndTheThrownErrorCarryEveryViolation() {
    Validation v = Validation.of();
    v.at("events", 3).identifier("event_id", "");
    v.at("account").at("subscriptions", 0).identifier("plan_key", "");
    DomainException.InvalidArgument e =
        assertThrows(DomainException.InvalidArgument.class, v::throwIfInvalid);
    assertEquals(Reason.INVALID_ARGUMENT, e.reason());
    assertEquals(
        List.of("events[3].event_id", "account.subscriptions[0].plan_key"),
        e.violations().stream().map(FieldViolation::field).toList());
  }
}
