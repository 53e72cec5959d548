-- Where do parties give different figures for the same thing?
-- One row per pair of claims by different claimants (a party, or an outlet for its own figure) about the
-- same record and the same measure, whose figures differ.
SELECT a.record_id,
       a.measure,
       coalesce(a.claimant_party, a.claimant_publisher_id) AS claimant_a,
       a.value AS value_a,
       coalesce(b.claimant_party, b.claimant_publisher_id) AS claimant_b,
       b.value AS value_b,
       a.claim_id AS claim_a,
       b.claim_id AS claim_b
FROM claims a
JOIN claims b
  ON b.record_id = a.record_id
 AND b.measure = a.measure
 AND b.claim_id > a.claim_id
 AND coalesce(b.claimant_party, b.claimant_publisher_id) <> coalesce(a.claimant_party, a.claimant_publisher_id)
WHERE a.value <> b.value
ORDER BY a.record_id, a.claim_id, b.claim_id;
