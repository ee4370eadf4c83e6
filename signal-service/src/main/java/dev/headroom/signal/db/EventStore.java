package dev.headroom.signal.db;

import dev.headroom.signal.domain.UsageFact;
import dev.headroom.signal.ingest.ValidatedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The ingest write path: one transaction per batch, a constant number of round trips whatever the batch size.
 *
 * <ol>
 *   <li>{@code INSERT INTO event_dedupe ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING} claims the
 *       ids; a concurrent batch with the same id waits for the first to commit, so the first accepted wins.</li>
 *   <li>Ids that were already taken are looked up once, by {@code = ANY(array)}, to answer DUPLICATE (same content
 *       hash) or ALREADY_EXISTS.</li>
 *   <li>The accepted events go to {@code usage_fact} and {@code event_raw} by COPY (text format) on the same
 *       connection and transaction.</li>
 *   <li>Account ids and daily rollups are upserted from arrays, pre-aggregated in memory.</li>
 * </ol>
 * Arrays are sorted so concurrent batches lock rows in one global order and cannot deadlock.
 */
public final class EventStore {

    /** What happened to one candidate inside the transaction. */
    public enum Claim { ACCEPTED, DUPLICATE, CONFLICT }

    private static final HexFormat HEX = HexFormat.of();

    private EventStore() {}

    /**
     * Stores {@code events} (validated, unique ids within the list) in the caller's open transaction.
     *
     * @param rawHorizon events occurring before this date are not kept raw (retention would drop them at once)
     * @return the claim per event, by event id
     */
    public static Map<String, Claim> store(Handle h, List<ValidatedEvent> events, Instant receivedAt,
            LocalDate rawHorizon) {
        Map<String, Claim> claims = new HashMap<>();
        if (events.isEmpty()) {
            return claims;
        }
        TreeMap<String, ValidatedEvent> byId = new TreeMap<>();
        for (ValidatedEvent e : events) {
            byId.put(e.fact().eventId(), e);
        }
        List<String> ids = new ArrayList<>(byId.keySet());
        List<String> hashes = new ArrayList<>(ids.size());
        for (ValidatedEvent e : byId.values()) {
            hashes.add(HEX.formatHex(e.contentHash()));
        }
        List<String> inserted = h.createQuery("""
                        INSERT INTO event_dedupe (event_id, content_hash)
                        SELECT id, decode(hash, 'hex') FROM unnest(:ids, :hashes) AS t(id, hash)
                        ON CONFLICT (event_id) DO NOTHING RETURNING event_id""")
                .bindArray("ids", String.class, ids)
                .bindArray("hashes", String.class, hashes)
                .mapTo(String.class)
                .list();
        List<ValidatedEvent> accepted = new ArrayList<>(inserted.size());
        for (String id : inserted) {
            claims.put(id, Claim.ACCEPTED);
            accepted.add(byId.get(id));
        }
        if (inserted.size() < ids.size()) {
            List<String> taken = new ArrayList<>();
            for (String id : ids) {
                if (!claims.containsKey(id)) {
                    taken.add(id);
                }
            }
            h.createQuery("SELECT event_id, encode(content_hash, 'hex') AS h FROM event_dedupe WHERE event_id = ANY(:ids)")
                    .bindArray("ids", String.class, taken)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(en -> claims.put(en.getKey(),
                            HEX.formatHex(byId.get(en.getKey()).contentHash()).equals(en.getValue())
                                    ? Claim.DUPLICATE : Claim.CONFLICT));
        }
        if (accepted.isEmpty()) {
            return claims;
        }
        copyFacts(h, accepted);
        copyRaw(h, accepted, receivedAt, rawHorizon);
        upsertAccounts(h, accepted);
        upsertRollups(h, accepted);
        return claims;
    }

    private static void copyFacts(Handle h, List<ValidatedEvent> accepted) {
        StringBuilder sb = new StringBuilder(accepted.size() * 96);
        for (ValidatedEvent e : accepted) {
            UsageFact f = e.fact();
            field(sb, f.accountId()).append('\t');
            sb.append(f.occurredAt().toString()).append('\t');
            field(sb, f.eventId()).append('\t');
            field(sb, f.userId()).append('\t');
            sb.append(f.kind().name()).append('\t');
            field(sb, f.role() == null ? null : f.role().name()).append('\t');
            field(sb, f.team()).append('\t');
            field(sb, f.key()).append('\t');
            field(sb, f.quantity() == null ? null : f.quantity().toPlainString()).append('\n');
        }
        copy(h, "COPY usage_fact (account_id, occurred_at, event_id, user_id, kind, role, team, key, quantity) FROM STDIN",
                sb);
    }

    private static void copyRaw(Handle h, List<ValidatedEvent> accepted, Instant receivedAt, LocalDate horizon) {
        StringBuilder sb = new StringBuilder(accepted.size() * 160);
        String received = receivedAt.toString();
        int rows = 0;
        for (ValidatedEvent e : accepted) {
            UsageFact f = e.fact();
            if (LocalDate.ofInstant(f.occurredAt(), ZoneOffset.UTC).isBefore(horizon)) {
                continue;
            }
            rows++;
            field(sb, f.eventId()).append('\t');
            field(sb, f.accountId()).append('\t');
            field(sb, f.userId()).append('\t');
            sb.append(f.occurredAt().toString()).append('\t');
            sb.append(f.kind().name()).append('\t');
            field(sb, e.payloadJson()).append('\t');
            sb.append(received).append('\n');
        }
        if (rows > 0) {
            copy(h, "COPY event_raw (event_id, account_id, user_id, occurred_at, kind, payload, received_at) FROM STDIN",
                    sb);
        }
    }

    private static void upsertAccounts(Handle h, List<ValidatedEvent> accepted) {
        TreeSet<String> accounts = new TreeSet<>();
        for (ValidatedEvent e : accepted) {
            accounts.add(e.fact().accountId());
        }
        h.createUpdate("INSERT INTO account_seen (account_id) SELECT unnest(:ids) ON CONFLICT DO NOTHING")
                .bindArray("ids", String.class, new ArrayList<>(accounts))
                .execute();
    }

    private record RollupKey(String accountId, LocalDate day, String metric, String key)
            implements Comparable<RollupKey> {
        @Override
        public int compareTo(RollupKey o) {
            int c = accountId.compareTo(o.accountId);
            if (c == 0) {
                c = day.compareTo(o.day);
            }
            if (c == 0) {
                c = metric.compareTo(o.metric);
            }
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /** Events per kind and key per day; METER also sums its quantity under metric "METER_QUANTITY". */
    private static void upsertRollups(Handle h, List<ValidatedEvent> accepted) {
        TreeMap<RollupKey, BigDecimal> sums = new TreeMap<>();
        for (ValidatedEvent e : accepted) {
            UsageFact f = e.fact();
            LocalDate day = LocalDate.ofInstant(f.occurredAt(), ZoneOffset.UTC);
            String key = f.key() == null ? "" : f.key();
            sums.merge(new RollupKey(f.accountId(), day, f.kind().name(), key), BigDecimal.ONE, BigDecimal::add);
            if (f.quantity() != null) {
                sums.merge(new RollupKey(f.accountId(), day, "METER_QUANTITY", key), f.quantity(), BigDecimal::add);
            }
        }
        int n = sums.size();
        List<String> accounts = new ArrayList<>(n);
        List<String> days = new ArrayList<>(n);
        List<String> metrics = new ArrayList<>(n);
        List<String> keys = new ArrayList<>(n);
        List<String> values = new ArrayList<>(n);
        sums.forEach((k, v) -> {
            accounts.add(k.accountId());
            days.add(k.day().toString());
            metrics.add(k.metric());
            keys.add(k.key());
            values.add(v.toPlainString());
        });
        h.createUpdate("""
                        INSERT INTO daily_rollup (account_id, day, metric, key, value)
                        SELECT a, d::date, m, k, v::numeric FROM unnest(:a, :d, :m, :k, :v) AS t(a, d, m, k, v)
                        ON CONFLICT (account_id, day, metric, key) DO UPDATE SET value = daily_rollup.value + EXCLUDED.value""")
                .bindArray("a", String.class, accounts)
                .bindArray("d", String.class, days)
                .bindArray("m", String.class, metrics)
                .bindArray("k", String.class, keys)
                .bindArray("v", String.class, values)
                .execute();
    }

    private static void copy(Handle h, String sql, StringBuilder data) {
        try {
            CopyManager cm = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            cm.copyIn(sql, new StringReader(data.toString()));
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
    private static StringBuilder field(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb;
    }
}
