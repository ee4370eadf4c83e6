package dev.headroom.kit.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingTest {
  private final PageTokens tokens =
      new PageTokens("0123456789abcdef-test".getBytes(StandardCharsets.UTF_8));
  private final Paging paging = new Paging(tokens, 20, 100);

  @Test
  void tokenRoundTripsTheKeysetPosition() {
    String t = tokens.encode("ListWidgets", List.of("acme", "42"));
    assertEquals(List.of("acme", "42"), paging.request("ListWidgets", 10, t).after());
  }

  @Test
  void tamperedTokenIsInvalidArgumentOnPageToken() {
    String t = tokens.encode("ListWidgets", List.of("acme"));
    byte[] raw = Base64.getUrlDecoder().decode(t);
    raw[4] ^= 1; // flip one bit of the sort value
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    DomainException.InvalidArgument e =
        assertThrows(
            DomainException.InvalidArgument.class,
            () -> paging.request("ListWidgets", 10, tampered));
    assertEquals("page_token", e.violations().get(0).field());
    assertThrows(
        DomainException.InvalidArgument.class,
        () -> paging.request("ListWidgets", 10, "garbage!!"));
  }

  @Test
  void tokenFromAnotherQueryOrKeyIsRejected() {
    String t = tokens.encode("ListWidgets", List.of("acme"));
    assertThrows(
        DomainException.InvalidArgument.class, () -> paging.request("ListCampaigns", 10, t));
    PageTokens other = new PageTokens("another-secret-of-16+".getBytes(StandardCharsets.UTF_8));
    assertThrows(DomainException.InvalidArgument.class, () -> other.decode("ListWidgets", t));
  }

  @Test
  void pageSizeDefaultsCapsAndRejectsNegative() {
    assertEquals(20, paging.request("s", 0, "").size());
    assertEquals(100, paging.request("s", 5000, "").size());
    assertEquals(7, paging.request("s", 7, "").size());
    DomainException.InvalidArgument e =
        assertThrows(DomainException.InvalidArgument.class, () -> paging.request("s", -1, "bad"));
    // Both problems are reported in one round trip.
    assertEquals(
        List.of("page_size", "page_token"),
        e.violations().stream().map(FieldViolation::field).toList());
    assertTrue(paging.request("s", 1, "").firstPage());
  }
}
