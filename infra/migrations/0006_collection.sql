-- Payments, part 2: collection when the campaign succeeds, the fix window after a failed charge, refunds, disputes,
-- messages to backers through the outbox.

-- The backer's language and region as a culture name ("fr-CA"): messages are written and amounts formatted in it.
-- Rows written before it existed take the language of their country.
ALTER TABLE pledges ADD COLUMN locale text;
UPDATE pledges SET locale = CASE country WHEN 'FR' THEN 'fr-FR' WHEN 'DE' THEN 'de-DE' WHEN 'ES' THEN 'es-ES'
                                         ELSE 'en-' || country END;
ALTER TABLE pledges ALTER COLUMN locale SET NOT NULL;

-- The charge of a collected pledge. charge_attempt counts the charges tried (each a PaymentIntent with its own
-- idempotency key); collected and refunded are what the provider took and gave back, in the pledge's currency.
-- fix_by ends the window a backer has to fix a failed charge; next_charge_at is when collection tries again.
ALTER TABLE pledges
    ADD COLUMN charge_attempt   integer NOT NULL DEFAULT 0,
    ADD COLUMN collected_amount bigint NOT NULL DEFAULT 0 CHECK (collected_amount >= 0),
    ADD COLUMN refunded_amount  bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    ADD COLUMN collected_at     timestamptz,
    ADD COLUMN fix_by           timestamptz,
    ADD COLUMN next_charge_at   timestamptz,
    ADD CONSTRAINT refund_within_collected CHECK (refunded_amount <= collected_amount);
-- Collection walks a campaign's pledges by status; the fix window's retries by their time.
CREATE INDEX pledges_by_status ON pledges (campaign_id, status);

-- Each charge attempt of a pledge, written as pending before the provider is called (so that a crash leaves a
-- record of what may have happened there) and settled by the provider's answer or its events.
CREATE TABLE payment_charges (
    pledge_id         uuid NOT NULL REFERENCES pledges (id),
    attempt           integer NOT NULL CHECK (attempt > 0),
    status            text NOT NULL,
    amount            bigint NOT NULL CHECK (amount > 0),
    currency          text NOT NULL,
    payment_intent_id text UNIQUE,
    client_secret     text,
    charge_id         text,
    failure_code      text,
    decline_code      text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (pledge_id, attempt)
);

-- Refunds asked by the team, each under the key of its request (the same request twice is one refund).
CREATE TABLE payment_refunds (
    pledge_id    uuid NOT NULL REFERENCES pledges (id),
    request_key  text NOT NULL,
    status       text NOT NULL,
    amount       bigint NOT NULL CHECK (amount > 0),
    currency     text NOT NULL,
    refund_id    text UNIQUE,
    reason       text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (pledge_id, request_key)
);

-- Disputes the backers' banks opened, as the provider's events tell them.
CREATE TABLE payment_disputes (
    dispute_id   text PRIMARY KEY,
    pledge_id    uuid NOT NULL REFERENCES pledges (id),
    status       text NOT NULL,
    amount       bigint NOT NULL,
    currency     text NOT NULL,
    reason       text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- One collection run per campaign: started when it succeeds, paused and resumed by the team, finished when every
-- pledge is in a final state.
CREATE TABLE collection_runs (
    campaign_id  text PRIMARY KEY REFERENCES campaigns (id),
    status       text NOT NULL,
    started_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz
);

-- The dispatcher's bookkeeping: a delivery claims a row for a while (so that two silos never send it at once), and a
-- failed one waits before the next try.
ALTER TABLE outbox
    ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
    ADD COLUMN claimed_until   timestamptz,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN last_error      text;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (topic, id) WHERE dispatched_at IS NULL;
