package dev.headroom.crm.client;

/**
 * What the CRM answered for one record of a batch.
 *
 * @param crmId the CRM's record id when it succeeded
 * @param created true when the upsert created the record
 */
public record RecordResult(
    String accountId,
    boolean success,
    String crmId,
    boolean created,
    int httpStatus,
    String errorCode,
    String errorMessage) {

  public static RecordResult ok(String accountId, String crmId, boolean created, int httpStatus) {
    return new RecordResult(accountId, true, crmId, created, httpStatus, "", "");
  }

  public static RecordResult failed(
      String accountId, int httpStatus, String errorCode, String errorMessage) {
    return new RecordResult(accountId, false, "", false, httpStatus, errorCode, errorMessage);
  }
}
