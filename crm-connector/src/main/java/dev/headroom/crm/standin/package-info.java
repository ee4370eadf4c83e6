/**
 * Local stand-ins for Salesforce and HubSpot: small HTTP servers on 127.0.0.1 that answer the
 * subset of each vendor's REST API the connector uses, the way the vendor does (token endpoint and
 * expired sessions, upsert by external id, the batch limits, field validation against an object
 * schema, per-record failures, 429 with Retry-After, 503) and keep the CRM's state so a test or the
 * demo can look at it. A {@link dev.headroom.crm.standin.FaultScript} makes them misbehave on
 * purpose.
 *
 * <p>They are not CRMs: no persistence, no security beyond the credentials they are given. They
 * live in main (not test) sources because the all-in-one app connects to them when no real CRM is
 * configured.
 */
package dev.headroom.crm.standin;
