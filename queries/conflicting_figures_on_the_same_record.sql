-- Where do parties give different figures for the same thing?
-- One row per pair of claims by different parties about the same meeting, transfer or handover and the
-- same measure, whose figures differ.
SELECT a.record_id,
       a.measure,
       a.claimant_party AS party_a,
       a.value AS value_a,
       b.claimant_party AS party_b,
       b.value AS value_b,
       a.claim_id AS claim_a,
       b.claim_id AS claim_b
FROM claims a
JOIN claims b
  ON b.record_id = a.record_id
 AND b.measure = a.measure
 AND b.claim_id > a.claim_id
 AND b.claimant_party <> a.claimant_party
WHERE a.value <> b.value
ORDER BY a.record_id, a.claim_id, b.claim_id;
