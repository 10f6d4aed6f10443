-- Orleans' cluster state in the project's own schema: membership, reminders and grain state.
-- Read and written only by src/Crowdfund.Infrastructure/Orleans.

-- One row per cluster: the membership table version. Every membership change bumps it in the same transaction,
-- conditioned on the version the writer read, which is how Orleans detects concurrent changes.
CREATE TABLE orleans_membership_version (
    cluster_id  text PRIMARY KEY,
    version     integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_membership (
    cluster_id     text NOT NULL REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE,
    silo_address   text NOT NULL,           -- SiloAddress.ToParsableString(): endpoint and generation
    status         integer NOT NULL,        -- Orleans.Runtime.SiloStatus
    silo_name      text NOT NULL,
    host_name      text NOT NULL,
    proxy_port     integer NOT NULL,
    role_name      text,
    update_zone    integer NOT NULL,
    fault_zone     integer NOT NULL,
    suspect_times  text,                    -- "silo,ticks|silo,ticks"
    start_time     timestamptz NOT NULL,
    i_am_alive     timestamptz NOT NULL,
    etag           integer NOT NULL,
    PRIMARY KEY (cluster_id, silo_address)
);

CREATE TABLE orleans_reminders (
    service_id     text NOT NULL,
    grain_id       text NOT NULL,
    reminder_name  text NOT NULL,
    grain_hash     bigint NOT NULL,         -- GrainId.GetUniformHashCode(), a uint
    start_at       timestamptz NOT NULL,
    period_ms      bigint NOT NULL,
    etag           bigint NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
-- Each silo reads the reminders of its range of the hash ring.
CREATE INDEX orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);

CREATE TABLE orleans_grain_state (
    service_id  text NOT NULL,
    state_name  text NOT NULL,
    grain_id    text NOT NULL,
    payload     bytea NOT NULL,
    etag        bigint NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_id)
);
