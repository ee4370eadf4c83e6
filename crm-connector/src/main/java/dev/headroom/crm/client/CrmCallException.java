package dev.headroom.crm.client;

/**
 * A CRM call that did not produce per-record results. The message is the CRM's own (or ours, in
 * words an admin can act on) and never contains credentials.
 */
public final class CrmCallException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What the caller should do about it. */
  public enum Kind {
    /** Outage, throttling or network: retry later; the records are not at fault. */
    TRANSIENT,
    /** The credentials were refused: an admin must fix the connection. */
    AUTH,
    /** The CRM rejected the whole request (e.g. an unknown field): every record carries it. */
    REJECTED
  }

  private final Kind kind;
  private final int httpStatus;
  private final String errorCode;

  public CrmCallException(Kind kind, int httpStatus, String errorCode, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public Kind kind() {
    return kind;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String errorCode() {
    return errorCode;
  }
}
