-- Figures each side claimed for the mines on the maps handed over and for the number of maps, for the
-- second part of the mines chart: one row per claim with a value.
SELECT c.claim_id, c.date, c.date_precision, p.name AS claimant, c.claimant_person, c.measure, c.value,
       c.value_qualifier, c.unit, c.record_id, c.period_start, c.period_end
FROM claims c
LEFT JOIN parties p ON p.party_id = c.claimant_party
WHERE c.measure IN ('mines_on_maps', 'maps_count') AND c.value IS NOT NULL
ORDER BY c.unit, c.date, c.claim_id
