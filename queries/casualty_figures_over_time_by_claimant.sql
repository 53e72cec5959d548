-- How have landmine casualty figures grown, and who gave them?
-- One row per claimed total of people killed or injured by mines (casualties_total, killed_total,
-- injured_total), by measure, claimant (a party for a state body or official, a publisher for an outlet's
-- own figure) and date. period_start and period_end give the period the figure
-- covers where stated; value_qualifier says whether it is exact, approximate or a bound.
SELECT c.measure,
       c.claimant_kind,
       c.claimant_party,
       c.claimant_publisher_id,
       c.date,
       c.value,
       c.value_qualifier,
       c.period_start,
       c.period_end,
       c.claimant_office,
       c.claim_id
FROM claims c
WHERE c.topic = 'landmine_casualties'
  AND c.measure IN ('casualties_total', 'killed_total', 'injured_total')
ORDER BY c.measure, c.claimant_party NULLS LAST, c.claimant_publisher_id, c.date, c.claim_id;
