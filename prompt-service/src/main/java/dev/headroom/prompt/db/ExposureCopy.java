package dev.headroom.prompt.db;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.size() * 200);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.write(SIGNATURE);
      out.writeInt(0); // flags: no OIDs
      out.writeInt(0); // no header extension
      for (ExposureDao.ExposureRow r : rows) {
        out.writeShort(FIELDS);
        text(out, r.decisionId());
        out.writeInt(Long.BYTES);
        out.writeLong(microsSincePostgresEpoch(r.decidedAt()));
        text(out, r.accountId());
        text(out, r.userId());
        text(out, r.campaignId());
        out.writeInt(Long.BYTES);
        out.writeLong(r.campaignVersion());
        text(out, r.experimentId());
        text(out, r.unitId());
        text(out, r.variantKey());
        out.writeInt(1);
        out.writeByte(r.holdout() ? 1 : 0);
        text(out, r.surface());
        text(out, r.featureKey());
      }
      out.writeShort(TRAILER);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
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
