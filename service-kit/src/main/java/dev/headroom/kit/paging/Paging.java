package dev.headroom.kit.paging;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.validation.Validation;
import java.util.List;

/**
 * AIP-158 page size rules ({@link Validation#pageSize}: 0 means the default size, anything above
 * the maximum is lowered to it so clients can ask for "as many as you allow", negative sizes are
 * INVALID_ARGUMENT) plus token decoding.
 */
public final class Paging {
  private final PageTokens tokens;
  private final int defaultSize;
  private final int maxSize;

  public Paging(PageTokens tokens, int defaultSize, int maxSize) {
    if (defaultSize < 1 || maxSize < defaultSize) {
      throw new IllegalArgumentException("need 1 <= defaultSize <= maxSize");
    }
    this.tokens = tokens;
    this.defaultSize = defaultSize;
    this.maxSize = maxSize;
  }

  /** Validates both fields, reporting every violation at once. */
  public PageRequest request(String scope, int pageSize, String pageToken) {
    Validation v = Validation.of();
    int size = v.pageSize("page_size", pageSize, defaultSize, maxSize);
    List<String> after = List.of();
    try {
      after = tokens.decode(scope, pageToken);
    } catch (DomainException.InvalidArgument e) {
      e.violations().forEach(x -> v.fail(x.field(), x.description()));
    }
    v.throwIfInvalid();
    return new PageRequest(size, after);
  }

  /**
   * The next_page_token for a page: empty when fewer rows than requested came back. Callers fetch
   * {@code size + 1} rows to know whether another page exists without an empty last page; pass that
   * here.
   */
  public String nextToken(
      String scope, PageRequest request, boolean hasMore, List<String> lastSortValues) {
    return hasMore ? tokens.encode(scope, lastSortValues) : "";
  }

  public PageTokens tokens() {
    return tokens;
  }
}
