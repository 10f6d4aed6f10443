-- Payments, part 1: the card saved at pledge time (a Stripe SetupIntent per setup attempt), the provider's customer per
-- backer, and the provider's events recorded once.

-- The card a pledge will be charged with: the customer and payment method of its latest successful setup.
-- setup_attempt counts the setups asked for (1 for the first card, more when the backer replaces it); card_attempt is
-- the attempt whose card is saved, so that setup events arriving out of order never put back an older card.
ALTER TABLE pledges
    ADD COLUMN setup_attempt     integer NOT NULL DEFAULT 0,
    ADD COLUMN card_attempt      integer,
    ADD COLUMN customer_id       text,
    ADD COLUMN payment_method_id text;

-- One provider customer per backer email (lower case), reused by every pledge of that backer.
CREATE TABLE payment_customers (
    email        text PRIMARY KEY,
    customer_id  text NOT NULL,
    created_at   timestamptz NOT NULL
);

-- Each setup attempt of a pledge: queued until the provider's SetupIntent exists, then ready for the backer's browser,
-- then succeeded or failed (a failed one can be confirmed again with another card).
CREATE TABLE payment_setups (
    pledge_id         uuid NOT NULL REFERENCES pledges (id),
    attempt           integer NOT NULL CHECK (attempt > 0),
    status            text NOT NULL,
    setup_intent_id   text UNIQUE,
    client_secret     text,
    customer_id       text,
    payment_method_id text,
    failure_code      text,
    decline_code      text,
    failure_message   text,
    last_event_at     timestamptz,
    requested_at      timestamptz NOT NULL,
    expected_ready_at timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (pledge_id, attempt)
);

-- Provider events, recorded once by id after they were applied: a repeated delivery is recognised and ignored.
CREATE TABLE payment_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    object_id    text NOT NULL,
    received_at  timestamptz NOT NULL
);
