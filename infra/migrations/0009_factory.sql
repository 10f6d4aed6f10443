-- Back from the factory: the production stages a partner reports for a campaign, and the shipment of each order.

-- A stage is known by its campaign, kind and date: the partner posting the same stage for the same day again (a
-- retry, or a corrected note) changes that row rather than adding one, so no idempotency key is needed.
CREATE TABLE production_stages (
    campaign_id text NOT NULL REFERENCES campaigns (id),
    stage       text NOT NULL,
    stage_date  date NOT NULL,
    -- Shown to every backer as written: the API refuses what looks like personal data.
    note        text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, stage, stage_date)
);

-- One shipment per order: a second tracking number for the same order is refused, not added.
CREATE TABLE shipments (
    order_id        uuid PRIMARY KEY REFERENCES orders (id),
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    shipped_at      timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL
);
