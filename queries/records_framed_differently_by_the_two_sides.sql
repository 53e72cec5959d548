-- Which events did Armenia and Azerbaijan each describe in their own way?
-- One row per meeting, transfer or handover with at least one framing claim from each side, with the
-- number of framing claims from each and the record's status.
SELECT c.record_id,
       e.record_type,
       e.date,
       e.record_status,
       count(*) FILTER (WHERE c.claimant_party = 'armenia') AS armenian_claims,
       count(*) FILTER (WHERE c.claimant_party = 'azerbaijan') AS azerbaijani_claims
FROM claims c
JOIN events e ON e.record_id = c.record_id
WHERE c.topic = 'framing'
GROUP BY ALL
HAVING armenian_claims > 0 AND azerbaijani_claims > 0
ORDER BY e.date, c.record_id;
