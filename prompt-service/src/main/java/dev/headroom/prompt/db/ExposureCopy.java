package dev.headroom.prompt.db;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Exposure rows in PostgreSQL's binary COPY format (the "Binary Format" section of the COPY
 * reference), in {@link ExposureDao#COLUMNS}' order: a header, then per row the field count and
 * each field as its length and bytes (length -1 for NULL), then a trailer.
 */
final class ExposureCopy {
  private static final byte[] SIGNATURE =
      "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final short FIELDS = 12;
  private static final short TRAILER = -1;

  /** PostgreSQL's timestamps count microseconds from 2000-01-01T00:00Z. */
  private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;

  private ExposureCopy() {}

  static byte[] encode(List<ExposureDao.ExposureRow> rows) {
    Buffer out = new Buffer(64 + rows.size() * 160);
    out.bytes(SIGNATURE);
    out.int32(0); // flags: no OIDs
    out.int32(0); // no header extension
    for (ExposureDao.ExposureRow r : rows) {
      out.int16(FIELDS);
      out.text(r.decisionId());
      out.int32(Long.BYTES);
      out.int64(microsSincePostgresEpoch(r.decidedAt()));
      out.text(r.accountId());
      out.text(r.userId());
      out.text(r.campaignId());
      out.int32(Long.BYTES);
      out.int64(r.campaignVersion());
      out.text(r.experimentId());
      out.text(r.unitId());
      out.text(r.variantKey());
      out.int32(1);
      out.int8(r.holdout() ? 1 : 0);
      out.text(r.surface());
      out.text(r.featureKey());
    }
    out.int16(TRAILER);
    return out.toByteArray();
  }

  /**
   * A growing big-endian byte buffer. Ids and keys are nearly always ASCII, so a text field is
   * copied char by char without an intermediate byte array (most of the encoding's cost before);
   * anything else goes through the UTF-8 encoder.
   */
  private static final class Buffer {
    private byte[] bytes;
    private int size;

    Buffer(int capacity) {
      bytes = new byte[capacity];
    }

    private void reserve(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void bytes(byte[] b) {
      reserve(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void int8(int v) {
      reserve(1);
      bytes[size++] = (byte) v;
    }

    void int16(int v) {
      reserve(2);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void int32(int v) {
      reserve(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        bytes[size++] = (byte) (v >>> shift);
      }
    }

    void int64(long v) {
      reserve(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[size++] = (byte) (v >>> shift);
      }
    }

    /** Its UTF-8 length, then its bytes; -1 for NULL. */
    void text(String value) {
      if (value == null) {
        int32(-1);
        return;
      }
      int n = value.length();
      reserve(4 + n);
      int lengthAt = size;
      size += 4;
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (c >= 0x80) {
          size = lengthAt;
          byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
          int32(utf8.length);
          bytes(utf8);
          return;
        }
        bytes[size++] = (byte) c;
      }
      int end = size;
      size = lengthAt;
      int32(n);
      size = end;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }
  }

  /**
   * Rounded half up to whole microseconds, as the JDBC driver rounds a bound timestamp, so that
   * either way of writing an exposure stores the same instant.
   */
  static long microsSincePostgresEpoch(OffsetDateTime t) {
    long micros = (t.toEpochSecond() - POSTGRES_EPOCH_SECOND) * 1_000_000L + t.getNano() / 1000;
    return t.getNano() % 1000 > 499 ? micros + 1 : micros;
  }
}
