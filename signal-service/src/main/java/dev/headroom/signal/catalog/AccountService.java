package dev.headroom.signal.catalog;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.signal.db.AccountDao;
import dev.headroom.signal.db.FactDao;
import dev.headroom.signal.domain.Account;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.UsageFact;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * Accounts (with their appended subscription history) and users. Users are not a table of their
 * own: PutUser writes the same USER_ADDED / USER_ROLE_CHANGED / USER_REMOVED facts that events
 * would, and ListUsers replays them, so the API and the engine can never disagree about who is a
 * member.
 */
public final class AccountService {
  static final Set<String> MASK_FIELDS =
      Set.of(
          "name",
          "subscriptions",
          "arr",
          "currency_code",
          "locale",
          "region",
          "crm_owner",
          "signup_time");
  private static final int MAX_ID = 128;

  private final Jdbi jdbi;
  private final CatalogService catalog;
  private final Paging paging;
  private final Clock clock;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public AccountService(Jdbi jdbi, CatalogService catalog, Paging paging, Clock clock) {
    this.jdbi = jdbi;
    this.catalog = catalog;
    this.paging = paging;
    this.clock = clock;
  }

  /**
   * Calls {@code listener} with the account id after every committed change to an account or its
   * users, in the order listeners were added (the evaluation side, which reads accounts and so is
   * built after them, marks the account for evaluation).
   */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void changed(String accountId) {
    listeners.forEach(l -> l.accept(accountId));
  }

  public record SubscriptionInput(
      String productKey, String planKey, int seatsPurchased, Instant since) {}

  /**
   * @param mask writable field names to apply; empty means all
   * @param signupTime null when not given
   */
  public record AccountInput(
      String accountId,
      List<String> mask,
      String name,
      String arrCurrency,
      long arrMinor,
      String currencyCode,
      String locale,
      String region,
      String crmOwner,
      Instant signupTime,
      List<SubscriptionInput> subscriptions) {}

  public AccountView put(AccountInput in) {
    DomainException.Violations v = new DomainException.Violations();
    checkId(v, "account.account_id", in.accountId());
    for (int i = 0; i < in.mask().size(); i++) {
      v.check(
          MASK_FIELDS.contains(in.mask().get(i)),
          "update_mask.paths[" + i + "]",
          "not a writable account field; one of "
              + String.join(", ", new java.util.TreeSet<>(MASK_FIELDS)));
    }
    v.throwIfAny();
    Set<String> mask = in.mask().isEmpty() ? MASK_FIELDS : Set.copyOf(in.mask());
    Optional<AccountView> existing = find(in.accountId()).filter(a -> !a.provisional());

    String currency =
        pick(mask, "currency_code", in.currencyCode(), existing.map(AccountView::currencyCode));
    if (currency.isEmpty()) {
      currency = in.arrCurrency().isEmpty() ? "USD" : in.arrCurrency();
    }
    if (mask.contains("currency_code")
        && !in.currencyCode().isEmpty()
        && !CatalogService.isCurrency(in.currencyCode())) {
      v.add("account.currency_code", "not an ISO 4217 currency code: '" + in.currencyCode() + "'");
    }
    if (mask.contains("arr")) {
      if (!in.arrCurrency().isEmpty() && !in.arrCurrency().equals(currency)) {
        v.add("account.arr.currency_code", "must be the account's currency " + currency);
      }
      v.check(in.arrMinor() >= 0, "account.arr.minor_units", "must be >= 0");
    }
    v.check(
        !mask.contains("name") || in.name().length() <= 300,
        "account.name",
        "at most 300 characters");
    Catalog c = catalog.snapshot();
    Instant now = clock.instant();
    List<AccountDao.SubscriptionRow> subs = new ArrayList<>();
    if (mask.contains("subscriptions")) {
      for (int i = 0; i < in.subscriptions().size(); i++) {
        SubscriptionInput s = in.subscriptions().get(i);
        String f = "account.subscriptions[" + i + "]";
        Optional<Catalog.Plan> plan = c.plan(s.planKey());
        boolean productKnown =
            c.products().stream().anyMatch(p -> p.productKey().equals(s.productKey()));
        if (!productKnown) {
          v.add(
              f + ".product_key",
              s.productKey().isEmpty()
                  ? "required"
                  : "product '" + s.productKey() + "' is not in the catalog");
        } else if (plan.isEmpty()) {
          v.add(
              f + ".plan_key",
              s.planKey().isEmpty()
                  ? "required"
                  : "plan '" + s.planKey() + "' is not in the catalog");
        } else if (!plan.get().productKey().equals(s.productKey())) {
          v.add(
              f + ".plan_key",
              "plan '"
                  + s.planKey()
                  + "' belongs to product '"
                  + plan.get().productKey()
                  + "', not '"
                  + s.productKey()
                  + "'");
          // Either key may be the mistake: both are named.
          v.add(
              f + ".product_key",
              "product '" + s.productKey() + "' has no plan '" + s.planKey() + "'");
        }
        v.check(s.seatsPurchased() >= 0, f + ".seats_purchased", "must be >= 0");
        Instant since = s.since() == null ? now : s.since();
        subs.add(
            new AccountDao.SubscriptionRow(
                in.accountId(), s.productKey(), s.planKey(), s.seatsPurchased(), utc(since)));
      }
    }
    v.throwIfAny();
    AccountDao.AccountWrite write =
        new AccountDao.AccountWrite(
            in.accountId(),
            pick(mask, "name", in.name(), existing.map(AccountView::name)),
            mask.contains("arr") ? in.arrMinor() : existing.map(AccountView::arrMinor).orElse(0L),
            currency,
            pick(mask, "locale", in.locale(), existing.map(AccountView::locale)),
            pick(mask, "region", in.region(), existing.map(AccountView::region)),
            pick(mask, "crm_owner", in.crmOwner(), existing.map(AccountView::crmOwner)),
            utc(
                mask.contains("signup_time")
                    ? in.signupTime()
                    : existing.map(AccountView::signupTime).orElse(null)));
    jdbi.useExtension(AccountDao.class, dao -> dao.put(write, subs));
    changed(in.accountId());
    return find(in.accountId()).orElseThrow();
  }

  private static String pick(
      Set<String> mask, String field, String given, Optional<String> existing) {
    return mask.contains(field) ? given : existing.orElse("");
  }

  public Optional<AccountView> find(String accountId) {
    return jdbi.withExtension(
        AccountDao.class,
        dao ->
            dao.find(accountId)
                .map(
                    row -> {
                      List<AccountDao.SubscriptionRow> subs =
                          row.created() ? dao.subscriptions(List.of(accountId)) : List.of();
                      return toView(row, subs);
                    }));
  }

  public AccountView get(String accountId) {
    if (accountId.isEmpty()) {
      throw DomainException.InvalidArgument.of("account_id", "required");
    }
    return find(accountId).orElseThrow(() -> new DomainException.NotFound("account", accountId));
  }

  public record Page<T>(List<T> items, String nextPageToken) {}

  public Page<AccountView> list(int pageSize, String pageToken) {
    PageRequest req = paging.request("ListAccounts", pageSize, pageToken);
    String after = req.firstPage() ? "" : req.after().get(0);
    return jdbi.withExtension(
        AccountDao.class,
        dao -> {
          List<AccountDao.AccountRow> rows = dao.page(after, req.size() + 1);
          boolean more = rows.size() > req.size();
          if (more) {
            rows = rows.subList(0, req.size());
          }
          List<String> created =
              rows.stream()
                  .filter(AccountDao.AccountRow::created)
                  .map(AccountDao.AccountRow::accountId)
                  .toList();
          Map<String, List<AccountDao.SubscriptionRow>> subs = new LinkedHashMap<>();
          if (!created.isEmpty()) {
            for (AccountDao.SubscriptionRow s : dao.subscriptions(created)) {
              subs.computeIfAbsent(s.accountId(), k -> new ArrayList<>()).add(s);
            }
          }
          List<AccountView> views =
              rows.stream()
                  .map(r -> toView(r, subs.getOrDefault(r.accountId(), List.of())))
                  .toList();
          String next =
              more
                  ? paging.nextToken(
                      "ListAccounts", req, true, List.of(views.get(views.size() - 1).accountId()))
                  : "";
          return new Page<>(views, next);
        });
  }

  /** All created accounts, in id order, a page at a time (the scheduler's sweep). */
  public List<String> createdIds(String after, int limit) {
    return jdbi.withExtension(AccountDao.class, dao -> dao.createdIds(after, limit));
  }

  private static AccountView toView(
      AccountDao.AccountRow r, List<AccountDao.SubscriptionRow> subs) {
    if (!r.created()) {
      return AccountView.provisional(r.accountId());
    }
    List<Account.Subscription> history =
        subs.stream()
            .map(
                s ->
                    new Account.Subscription(
                        s.productKey(), s.planKey(), s.seatsPurchased(), s.since().toInstant()))
            .sorted(
                Comparator.comparing(Account.Subscription::since)
                    .thenComparing(Account.Subscription::productKey))
            .toList();
    return new AccountView(
        r.accountId(),
        false,
        r.name(),
        r.arrMinor() == null ? 0 : r.arrMinor(),
        r.currencyCode(),
        r.locale(),
        r.region(),
        r.crmOwner(),
        r.signupTime() == null ? null : r.signupTime().toInstant(),
        r.activatedAt() == null ? null : r.activatedAt().toInstant(),
        history);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Users

  /**
   * @param role null when unspecified (new users become MEMBER, existing users keep theirs)
   * @param addedTime null for "now" (new users only)
   * @param removedTime null while a member
   */
  public record UserInput(
      String userId,
      String accountId,
      Role role,
      String team,
      Instant addedTime,
      Instant removedTime) {}

  public UserView putUser(UserInput in) {
    DomainException.Violations v = new DomainException.Violations();
    checkId(v, "user.user_id", in.userId());
    checkId(v, "user.account_id", in.accountId());
    v.check(in.team().length() <= 256, "user.team", "at most 256 characters");
    if (in.addedTime() != null && in.removedTime() != null) {
      v.check(
          !in.removedTime().isBefore(in.addedTime()),
          "user.removed_time",
          "must not be before added_time");
    }
    Instant now = clock.instant();
    if (in.addedTime() != null) {
      v.check(
          !in.addedTime().isAfter(now.plus(1, ChronoUnit.DAYS)),
          "user.added_time",
          "more than 24 h in the future");
    }
    if (in.removedTime() != null) {
      v.check(
          !in.removedTime().isAfter(now.plus(1, ChronoUnit.DAYS)),
          "user.removed_time",
          "more than 24 h in the future");
    }
    v.throwIfAny();
    // As GetAccount: a user joins an account that was put or has sent events, never a typo's.
    if (find(in.accountId()).isEmpty()) {
      throw new DomainException.NotFound("account", in.accountId());
    }
    String team = in.team().isEmpty() ? null : in.team();
    jdbi.useTransaction(
        h -> {
          // Serializes concurrent PutUser calls of one account so both cannot decide "not a member
          // yet".
          h.execute(
              "SELECT pg_advisory_xact_lock(hashtext('signal-user'), hashtext(?))", in.accountId());
          FactDao facts = h.attach(FactDao.class);
          UserView cur = replay(facts.membershipFacts(in.accountId()), now).get(in.userId());
          boolean member = cur != null && cur.removedTime() == null;
          List<FactDao.FactRow> rows = new ArrayList<>();
          if (!member) {
            Instant added =
                in.addedTime() != null
                    ? in.addedTime()
                    : in.removedTime() != null ? in.removedTime() : now;
            boolean alreadyAddedThen = cur != null && added.equals(cur.addedTime());
            if (!alreadyAddedThen || in.removedTime() == null) {
              rows.add(
                  fact(
                      in,
                      EventKind.USER_ADDED,
                      added,
                      in.role() == null ? Role.MEMBER : in.role(),
                      team));
            }
            if (in.removedTime() != null
                && (cur == null || !in.removedTime().equals(cur.removedTime()))) {
              rows.add(fact(in, EventKind.USER_REMOVED, in.removedTime(), null, null));
            }
          } else if (in.removedTime() != null) {
            rows.add(fact(in, EventKind.USER_REMOVED, in.removedTime(), null, null));
          } else {
            boolean roleChanged = in.role() != null && in.role() != cur.role();
            boolean teamChanged = team != null && !team.equals(cur.team());
            if (roleChanged || teamChanged) {
              rows.add(
                  fact(
                      in,
                      EventKind.USER_ROLE_CHANGED,
                      now,
                      in.role() == null ? cur.role() : in.role(),
                      team));
            }
          }
          rows.forEach(facts::insert);
          h.attach(AccountDao.class).registerId(in.accountId());
        });
    changed(in.accountId());
    return users(in.accountId()).get(in.userId());
  }

  private static FactDao.FactRow fact(
      UserInput in, EventKind kind, Instant at, Role role, String team) {
    Instant t = at.truncatedTo(ChronoUnit.MICROS);
    return new FactDao.FactRow(
        in.accountId(),
        utc(t),
        // Derived from the change, so a retried PutUser adds nothing; account-scoped, as event ids
        // are
        // unique across all accounts (usage_fact's key).
        "putuser/"
            + in.accountId()
            + "/"
            + in.userId()
            + "/"
            + kind.name()
            + "/"
            + ChronoUnit.MICROS.between(Instant.EPOCH, t),
        in.userId(),
        kind.name(),
        role == null ? null : role.name(),
        team,
        null,
        null);
  }

  public Page<UserView> listUsers(String accountId, int pageSize, String pageToken) {
    if (accountId.isEmpty()) {
      throw DomainException.InvalidArgument.of("account_id", "required");
    }
    String scope = "ListUsers/" + accountId;
    PageRequest req = paging.request(scope, pageSize, pageToken);
    String after = req.firstPage() ? "" : req.after().get(0);
    List<UserView> all = new ArrayList<>(users(accountId).values());
    List<UserView> rest = all.stream().filter(u -> u.userId().compareTo(after) > 0).toList();
    boolean more = rest.size() > req.size();
    List<UserView> page = more ? rest.subList(0, req.size()) : rest;
    String next =
        more ? paging.nextToken(scope, req, true, List.of(page.get(page.size() - 1).userId())) : "";
    return new Page<>(page, next);
  }

  private Map<String, UserView> users(String accountId) {
    List<UsageFact> facts =
        jdbi.withExtension(FactDao.class, dao -> dao.membershipFacts(accountId));
    return replay(facts, clock.instant());
  }

  /**
   * Membership per user at {@code t} (docs/signals.md "Accounts, users and seats"), sorted by user
   * id.
   */
  static Map<String, UserView> replay(List<UsageFact> facts, Instant t) {
    TreeMap<String, UserView> users = new TreeMap<>();
    for (UsageFact f : facts) {
      if (f.occurredAt().isAfter(t) || f.userId() == null) {
        continue;
      }
      UserView cur = users.get(f.userId());
      switch (f.kind()) {
        case USER_ADDED ->
            users.put(
                f.userId(),
                new UserView(
                    f.userId(),
                    f.accountId(),
                    f.role() == null ? Role.MEMBER : f.role(),
                    f.team() == null ? "" : f.team(),
                    f.occurredAt(),
                    null));
        case USER_REMOVED -> {
          if (cur != null) {
            users.put(
                f.userId(),
                new UserView(
                    cur.userId(),
                    cur.accountId(),
                    cur.role(),
                    cur.team(),
                    cur.addedTime(),
                    f.occurredAt()));
          }
        }
        case USER_ROLE_CHANGED -> {
          if (cur != null) {
            users.put(
                f.userId(),
                new UserView(
                    cur.userId(),
                    cur.accountId(),
                    f.role() == null ? cur.role() : f.role(),
                    f.team() == null ? cur.team() : f.team(),
                    cur.addedTime(),
                    cur.removedTime()));
          }
        }
        default -> {}
      }
    }
    return users;
  }

  private static void checkId(DomainException.Violations v, String field, String id) {
    if (id.isEmpty()) {
      v.add(field, "required");
    } else if (id.length() > MAX_ID || id.indexOf('\u0000') >= 0) {
      v.add(field, "at most " + MAX_ID + " characters, no NUL");
    }
  }

  static OffsetDateTime utc(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
