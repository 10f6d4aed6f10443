-- The partner manufacturers: who they are, where their webhooks go, the keys they call us with, and the campaigns
-- each one manufactures.

CREATE TABLE partners (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    webhook_url    text NOT NULL,
    -- The HMAC key our webhooks are signed with. Signing needs it in the clear, unlike the API keys below.
    signing_secret text NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- API keys are 256 random bits, so a plain SHA-256 is enough to make the stored form useless to a reader; a slow
-- password hash would only slow every partner call. A rotated key stays valid until expires_at, so that a partner
-- can roll its new key out before the old one stops working.
CREATE TABLE partner_keys (
    key_hash    bytea PRIMARY KEY,
    partner_id  text NOT NULL REFERENCES partners (id),
    key_prefix  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz
);
CREATE INDEX partner_keys_by_partner ON partner_keys (partner_id);

-- One manufacturer per campaign.
CREATE TABLE partner_campaigns (
    campaign_id text PRIMARY KEY REFERENCES campaigns (id),
    partner_id  text NOT NULL REFERENCES partners (id),
    linked_at   timestamptz NOT NULL
);
CREATE INDEX partner_campaigns_by_partner ON partner_campaigns (partner_id);
