-- Campaigns, tiers and pledges: the system of record. Counters are derived from pledges, never stored.

CREATE TABLE campaigns (
    id           text PRIMARY KEY,
    status       text NOT NULL,
    definition   jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    launched_at  timestamptz,
    finished_at  timestamptz
);

CREATE TABLE reward_tiers (
    campaign_id  text NOT NULL REFERENCES campaigns (id),
    id           text NOT NULL,
    position     integer NOT NULL,
    definition   jsonb NOT NULL,
    PRIMARY KEY (campaign_id, id)
);

-- Moments recorded once each: milestones, manufacturing confirmed, the end of the campaign.
CREATE TABLE campaign_events (
    campaign_id     text NOT NULL REFERENCES campaigns (id),
    kind            text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    confirmed_units integer NOT NULL,
    PRIMARY KEY (campaign_id, kind)
);

-- Transactional outbox: messages for the partner and backers commit with the state change that causes them;
-- a dispatcher delivers them at least once, with the key as idempotency key.
CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic         text NOT NULL,
    key           text NOT NULL UNIQUE,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    dispatched_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched_at IS NULL;

CREATE TABLE pledges (
    id               uuid PRIMARY KEY,
    campaign_id      text NOT NULL,
    tier_id          text NOT NULL,
    country          text NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    units            integer NOT NULL CHECK (units > 0),
    status           text NOT NULL,
    currency         text NOT NULL,
    subtotal         bigint NOT NULL CHECK (subtotal >= 0),
    shipping         bigint NOT NULL CHECK (shipping >= 0),
    tax              bigint NOT NULL CHECK (tax >= 0),
    total            bigint NOT NULL CHECK (total >= 0),
    backer_name      text NOT NULL,
    backer_email     text NOT NULL,
    shipping_address jsonb NOT NULL,
    token_hash       bytea NOT NULL,
    idempotency_key  text NOT NULL,
    request_hash     bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    hold_expires_at  timestamptz,
    confirmed_at     timestamptz,
    updated_at       timestamptz NOT NULL,
    version          integer NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, idempotency_key),
    FOREIGN KEY (campaign_id, tier_id) REFERENCES reward_tiers (campaign_id, id)
);
-- A tier rebuilds its counters from its live pledges on activation, without reading any other tier's rows.
CREATE INDEX pledges_by_tier ON pledges (campaign_id, tier_id, status);
-- Velocity after a restart: confirmed units of the last hour.
CREATE INDEX pledges_confirmed_at ON pledges (campaign_id, confirmed_at) WHERE confirmed_at IS NOT NULL;
