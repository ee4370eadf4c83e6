package dev.headroom.crm.domain;

/** The CRMs the connector writes to, with the largest batch each API accepts in one request. */
public enum Provider {
  /** sObject Collections: at most 200 records per request. */
  SALESFORCE(200),
  /** CRM v3 batch endpoints: at most 100 inputs per request. */
  HUBSPOT(100);

  private final int batchLimit;

  Provider(int batchLimit) {
    this.batchLimit = batchLimit;
  }

  public int batchLimit() {
    return batchLimit;
  }
}
