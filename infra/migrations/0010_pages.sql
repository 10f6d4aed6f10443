-- Campaign-page views per campaign, country and day, for the team's appetite by country. A counter only: no
-- cookie, no address, nothing about who looked. Reservations, saved cards and collections come from the pledges.
CREATE TABLE page_views (
    campaign_id text NOT NULL,
    country     text NOT NULL,
    day         date NOT NULL,
    views       bigint NOT NULL CHECK (views >= 0),
    PRIMARY KEY (campaign_id, country, day)
);
