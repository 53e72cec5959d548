-- Claims per kind of claimant.
SELECT claimant_kind::VARCHAR AS claimant_kind, count(*) FROM claims GROUP BY ALL ORDER BY claimant_kind NULLS LAST
