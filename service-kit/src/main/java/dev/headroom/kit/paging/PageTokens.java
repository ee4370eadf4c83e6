package dev.headroom.kit.paging;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.error.Reason;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque keyset page tokens: the last row's sort values, base64url-encoded with an HMAC so clients
 * cannot forge or edit them (a token is a promise about where the previous page ended, not a query
 * language).
 *
 * <p>The {@code scope} (e.g. the RPC name plus a digest of its filters) is signed too, so a token
 * from one query cannot be replayed against another. A token that fails any check is
 * INVALID_ARGUMENT on {@code page_token}. The key comes from configuration; rotating it only
 * invalidates tokens in flight.
 */
public final class PageTokens {
  private static final byte VERSION = 1;
  private static final int MAC_BYTES =
      16; // truncated HMAC-SHA256: plenty against forgery, keeps tokens short
  private static final int MAX_TOKEN_CHARS = 1024;

  private final SecretKeySpec key;

  public PageTokens(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("page token secret must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  public String encode(String scope, List<String> sortValues) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeShort(sortValues.size());
      for (String v : sortValues) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = bytes.toByteArray();
    byte[] mac = mac(scope, body);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(ByteBuffer.allocate(body.length + MAC_BYTES).put(body).put(mac).array());
  }

  /** Decodes a client's token; an empty token means "first page" and yields an empty list. */
  public List<String> decode(String scope, String token) {
    if (token == null || token.isEmpty()) {
      return List.of();
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw invalid();
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (raw.length <= MAC_BYTES) {
      throw invalid();
    }
    byte[] body = Arrays.copyOfRange(raw, 0, raw.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
    // Constant-time comparison: a timing oracle would let a client forge tokens byte by byte.
    if (!MessageDigest.isEqual(mac, mac(scope, body))) {
      throw invalid();
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body))) {
      if (in.readByte() != VERSION) {
        throw invalid();
      }
      int n = in.readUnsignedShort();
      List<String> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int len = in.readInt();
        if (len < 0 || len > body.length) {
          throw invalid();
        }
        values.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
      }
      return List.copyOf(values);
    } catch (IOException e) {
      throw invalid();
    }
  }

  private byte[] mac(String scope, byte[] body) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update(scope.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      return Arrays.copyOf(m.doFinal(body), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static DomainException.InvalidArgument invalid() {
    return new DomainException.InvalidArgument(
        Reason.INVALID_PAGE_TOKEN,
        List.of(
            new FieldViolation(
                "page_token",
                "not a page token issued for this request; pass next_page_token from the previous"
                    + " response unchanged")));
  }
}
