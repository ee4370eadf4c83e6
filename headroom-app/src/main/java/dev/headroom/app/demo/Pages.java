package dev.headroom.app.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Every page of a paged List RPC, each fetched with the token the page before it returned. */
final class Pages {
  private Pages() {}

  /**
   * @param fetch one call of the RPC with the given page token ({@code ""} for the first page)
   * @param nextToken the page's next page token; empty on the last page
   */
  static <P> List<P> all(Function<String, P> fetch, Function<P, String> nextToken) {
    List<P> pages = new ArrayList<>();
    String token = "";
    do {
      P page = fetch.apply(token);
      pages.add(page);
      token = nextToken.apply(page);
    } while (!token.isEmpty());
    return pages;
  }
}
