package dev.headroom.kit.paging;

import java.util.List;

/**
 * A validated page request.
 *
 * @param size rows to return (already defaulted and capped)
 * @param after sort values of the last row of the previous page; empty for the first page
 */
public record PageRequest(int size, List<String> after) {
  public boolean firstPage() {
    return after.isEmpty();
  }
}
