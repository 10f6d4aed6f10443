-- The foreign key from pledges to reward_tiers made every inserted pledge lock its tier's row (FOR KEY SHARE):
-- under a launch rush, every concurrent batch of a hot tier shared that one row lock through a multixact, at a
-- cost per row. It guarded nothing the rules do not: pledges exist only for live campaigns, and a tier can be
-- removed only while its campaign is a draft. The tier grain, the only writer of its pledges, checks the tier.
ALTER TABLE pledges DROP CONSTRAINT pledges_campaign_id_tier_id_fkey;
