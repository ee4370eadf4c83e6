package dev.headroom.signal.evaluation;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.signal.catalog.AccountService;
import dev.headroom.signal.db.SignalDao;
import dev.headroom.signal.domain.SignalType;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads stored signals: the ones holding now and the resolved history, newest first, keyset-paged.
 */
public final class SignalReader {
  private final Jdbi jdbi;
  private final AccountService accounts;
  private final Paging paging;

  public SignalReader(Jdbi jdbi, AccountService accounts, Paging paging) {
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.paging = paging;
  }

  public record Result(List<SignalView> current, List<SignalView> history, String nextPageToken) {}

  public Result list(
      String accountId,
      boolean includeHistory,
      List<SignalType> types,
      int pageSize,
      String pageToken) {
    DomainException.Violations v = new DomainException.Violations();
    v.check(!accountId.isEmpty(), "account_id", "required");
    v.check(pageSize <= 500, "page_size", "must be 0-500 (0 means 50)");
    v.throwIfAny();
    String scope = "ListAccountSignals/" + accountId + "/" + types;
    PageRequest req = paging.request(scope, pageSize, pageToken);
    accounts.get(accountId); // NOT_FOUND for an id with no account and no events
    List<SignalView> current =
        jdbi.withExtension(SignalDao.class, d -> d.open(accountId)).stream()
            .map(AccountEvaluator::toView)
            .filter(s -> types.isEmpty() || types.contains(s.type()))
            .toList();
    if (!includeHistory) {
      return new Result(current, List.of(), "");
    }
    long before;
    try {
      before = req.firstPage() ? Long.MAX_VALUE : Long.parseLong(req.after().get(0));
    } catch (NumberFormatException e) {
      throw DomainException.InvalidArgument.of(
          "page_token", "not a page token issued for this request");
    }
    List<String> typeNames = types.stream().map(Enum::name).toList();
    List<SignalDao.OccurrenceRow> rows =
        jdbi.withExtension(
            SignalDao.class,
            d -> d.history(accountId, before, typeNames.isEmpty(), typeNames, req.size() + 1));
    boolean more = rows.size() > req.size();
    List<SignalView> history =
        (more ? rows.subList(0, req.size()) : rows).stream().map(AccountEvaluator::toView).toList();
    String next =
        more
            ? paging.nextToken(
                scope,
                req,
                true,
                List.of(Long.toString(history.get(history.size() - 1).signalId())))
            : "";
    return new Result(current, history, next);
  }
}
