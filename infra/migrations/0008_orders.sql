-- Fulfilment: the orders made from collected pledges, frozen at the address lock and handed to the partner in
-- batches per destination country.

-- One row per campaign handed to a partner: when addresses lock, and when the orders were frozen and batched.
CREATE TABLE fulfilments (
    campaign_id     text PRIMARY KEY REFERENCES campaigns (id),
    address_lock_at timestamptz NOT NULL,
    frozen_at       timestamptz,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE order_batches (
    id              text PRIMARY KEY,
    campaign_id     text NOT NULL REFERENCES campaigns (id),
    partner_id      text NOT NULL REFERENCES partners (id),
    country         text NOT NULL,
    sequence        integer NOT NULL,
    order_count     integer NOT NULL CHECK (order_count > 0),
    -- Units per product SKU in the batch, the header's counts: {"RETRO-PHONE": 412, ...}.
    sku_units       jsonb NOT NULL,
    status          text NOT NULL,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    acknowledged_at timestamptz,
    -- How many times it was queued for the partner's webhook, and when last: an unacknowledged batch is sent again.
    sends           integer NOT NULL DEFAULT 0,
    last_sent_at    timestamptz,
    UNIQUE (campaign_id, country, sequence)
);
CREATE INDEX order_batches_by_partner ON order_batches (partner_id, created_at, id);

-- One order per collected pledge (its id is the pledge's), frozen at the lock: what the factory ships.
CREATE TABLE orders (
    id               uuid PRIMARY KEY REFERENCES pledges (id),
    -- A short, global, human reference the factory prints on the parcel: "CF-0000042".
    number           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    campaign_id      text NOT NULL REFERENCES campaigns (id),
    country          text NOT NULL,
    backer_name      text NOT NULL,
    shipping_address jsonb NOT NULL,
    -- [{"sku": "RETRO-PHONE", "quantity": 2, "editionNumbers": [17]}]: units per SKU, and the numbers of numbered editions.
    lines            jsonb NOT NULL,
    batch_id         text NOT NULL REFERENCES order_batches (id),
    created_at       timestamptz NOT NULL
);
CREATE INDEX orders_by_batch ON orders (batch_id, number);
CREATE INDEX orders_by_campaign ON orders (campaign_id, country);
