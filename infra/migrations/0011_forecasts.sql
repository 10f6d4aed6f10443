-- The forecasts a campaign's partner has been sent: the production-go notice is number 0, each updated forecast the
-- next number, and the final quantities are sent once after collection. The figures are what the last forecast
-- said, so that an update goes only when they changed; the sequence makes each update's id, so that a crash between
-- two writes can never send one number twice.
CREATE TABLE partner_forecasts (
    campaign_id     text PRIMARY KEY REFERENCES campaigns (id),
    sequence        integer NOT NULL CHECK (sequence >= 0),
    -- The last forecast's figures, in the messages' own shape: {"units": 502, "bySku": {...}, ...}.
    figures         jsonb NOT NULL,
    sent_at         timestamptz NOT NULL,
    final_sent_at   timestamptz
);
