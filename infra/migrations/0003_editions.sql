-- Edition numbers of numbered tiers: each confirmed pledge holds the consecutive numbers first..last.
-- Assigned when the campaign succeeds, from the pledges then confirmed, in order of confirmation; rerunnable,
-- so that collection can renumber after dropped payments and the numbers stay 1..N without gaps.
CREATE TABLE edition_numbers (
    campaign_id   text NOT NULL,
    tier_id       text NOT NULL,
    pledge_id     uuid PRIMARY KEY REFERENCES pledges (id),
    first_number  integer NOT NULL CHECK (first_number > 0),
    last_number   integer NOT NULL CHECK (last_number >= first_number),
    UNIQUE (campaign_id, tier_id, first_number)
);
