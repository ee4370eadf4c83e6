-- Expansion opportunities crm-connector reports open (WatchOpportunities): while an account has one,
-- no self-serve prompt is offered to it. A closed opportunity's row is deleted.
CREATE TABLE open_opportunity (
    external_key    text        PRIMARY KEY,
    account_id      text        NOT NULL,
    opened_cursor   bigint      NOT NULL
);

CREATE INDEX open_opportunity_account ON open_opportunity (account_id);
