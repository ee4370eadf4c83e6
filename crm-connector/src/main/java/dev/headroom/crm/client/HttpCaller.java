package dev.headroom.crm.client;

import dev.headroom.kit.outbox.Backoff;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Sends one connection's HTTP requests: waits for its {@link TokenBucket}, retries throttling and
 * outages (429, 502, 503, 504, network errors, and whatever the client's own predicate adds) with
 * exponential backoff and jitter, never sooner than the CRM's Retry-After, and follows the CRMs'
 * rate-limit headers. Counts the calls and the throttled answers for the sync runs.
 */
public final class HttpCaller {
  /**
   * @param maxAttempts attempts per request before the call fails as TRANSIENT
   * @param maxRetryAfter a longer Retry-After fails the call instead of blocking the engine
   */
  public record Settings(
      int maxAttempts, Backoff backoff, Duration requestTimeout, Duration maxRetryAfter) {}

  /** Told about every answer, retry and rate-limit pause (metrics). */
  public interface Observer {
    Observer NONE = new Observer() {};

    /** A response with this status, or 0 when the CRM could not be reached. */
    default void answered(int status) {}

    default void retried() {}

    /** The CRM asked for a pause (Retry-After, a spent rate-limit window). */
    default void paused() {}
  }

  private final HttpClient http;
  private final TokenBucket bucket;
  private final Settings settings;
  private final Clock clock;
  private final String crmName;
  private final Observer observer;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();

  public HttpCaller(
      HttpClient http,
      TokenBucket bucket,
      Settings settings,
      Clock clock,
      String crmName,
      Observer observer) {
    this.observer = observer;
    this.http = http;
    this.bucket = bucket;
    this.settings = settings;
    this.clock = clock;
    this.crmName = crmName;
  }

  public long calls() {
    return calls.get();
  }

  public long throttled() {
    return throttled.get();
  }

  /** Until when the CRM asked this connection to send nothing (Retry-After, a spent window). */
  public Instant pausedUntil() {
    return bucket.pausedUntil();
  }

  public Duration requestTimeout() {
    return settings.requestTimeout();
  }

  /**
   * @param alsoRetry responses besides 429/502/503/504 that mean "later", e.g. Salesforce's 403
   *     REQUEST_LIMIT_EXCEEDED
   * @return the first response that is not retried (success or a final error)
   */
  public HttpResponse<String> send(HttpRequest request, Predicate<HttpResponse<String>> alsoRetry)
      throws CrmCallException, InterruptedException {
    return send(request, alsoRetry, true);
  }

  /**
   * Sends a request that must not be repeated once the CRM may have carried it out (a create): only
   * answers that say it was not processed (429, and {@code alsoRetry}) are retried; an outage or a
   * lost answer fails the call as TRANSIENT, for the caller to check before sending again.
   */
  public HttpResponse<String> sendOnce(
      HttpRequest request, Predicate<HttpResponse<String>> alsoRetry)
      throws CrmCallException, InterruptedException {
    return send(request, alsoRetry, false);
  }

  private HttpResponse<String> send(
      HttpRequest request, Predicate<HttpResponse<String>> alsoRetry, boolean repeatable)
      throws CrmCallException, InterruptedException {
    String last = "";
    for (int attempt = 0; attempt < settings.maxAttempts(); attempt++) {
      if (attempt > 0) {
        observer.retried();
        Thread.sleep(settings.backoff().delay(attempt - 1, random).toMillis());
      }
      bucket.acquire();
      calls.incrementAndGet();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        observer.answered(0);
        last = "could not reach " + crmName + " (" + e.getClass().getSimpleName() + ")";
        if (!repeatable) {
          break;
        }
        continue;
      }
      observer.answered(response.statusCode());
      observeLimits(response);
      int status = response.statusCode();
      boolean unavailable = status == 502 || status == 503 || status == 504;
      boolean retry = status == 429 || (repeatable && unavailable) || alsoRetry.test(response);
      if (!retry) {
        if (unavailable) {
          throw new CrmCallException(
              CrmCallException.Kind.TRANSIENT,
              status,
              "UNAVAILABLE",
              crmName + " answered " + status + "; it may have carried out the request");
        }
        return response;
      }
      if (status == 429) {
        throttled.incrementAndGet();
      }
      last = crmName + " answered " + status;
      Optional<Duration> retryAfter = retryAfter(response);
      if (retryAfter.isPresent()) {
        observer.paused();
        if (retryAfter.get().compareTo(settings.maxRetryAfter()) > 0) {
          bucket.pauseUntil(clock.instant().plus(retryAfter.get()));
          throw new CrmCallException(
              CrmCallException.Kind.TRANSIENT,
              status,
              "RETRY_LATER",
              last + " and asked to wait " + retryAfter.get().toSeconds() + " s; will retry then");
        }
        bucket.pauseUntil(clock.instant().plus(retryAfter.get()));
      }
    }
    throw new CrmCallException(
        CrmCallException.Kind.TRANSIENT,
        0,
        "UNAVAILABLE",
        last + " on " + settings.maxAttempts() + " attempts; the records stay queued");
  }

  /** HubSpot: a spent window pauses the connection until the window rolls over. */
  private void observeLimits(HttpResponse<String> response) {
    Optional<String> remaining = response.headers().firstValue("X-HubSpot-RateLimit-Remaining");
    Optional<String> interval =
        response.headers().firstValue("X-HubSpot-RateLimit-Interval-Milliseconds");
    if (remaining.isPresent() && remaining.get().equals("0") && interval.isPresent()) {
      observer.paused();
      try {
        bucket.pauseUntil(clock.instant().plusMillis(Long.parseLong(interval.get())));
      } catch (NumberFormatException ignored) {
        // A malformed header is not a reason to fail the call.
      }
    }
  }

  static Optional<Duration> retryAfter(HttpResponse<String> response) {
    Optional<String> header = response.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Optional.of(
            Duration.between(Instant.now(), at).isNegative()
                ? Duration.ZERO
                : Duration.between(Instant.now(), at));
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
