package dev.headroom.kit.paging;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;

/**
 * AIP-158 page size rules plus token decoding: 0 means the default size, anything above the maximum
 * is lowered to it (not an error, so clients can ask for "as many as you allow"), negative sizes
 * are INVALID_ARGUMENT.
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
    List<FieldViolation> violations = new ArrayList<>();
    if (pageSize < 0) {
      violations.add(
          new FieldViolation(
              "page_size", "must be >= 0 (0 means the default of " + defaultSize + ")"));
    }
    List<String> after = List.of();
    try {
      after = tokens.decode(scope, pageToken);
    } catch (DomainException.InvalidArgument e) {
      violations.addAll(e.violations());
    }
    if (!violations.isEmpty()) {
      throw new DomainException.InvalidArgument(violations);
    }
    int size = pageSize == 0 ? defaultSize : Math.min(pageSize, maxSize);
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
