-- People transferred per month and direction (best estimates), for the people chart.
SELECT date_trunc('month', t.date)::DATE, f.name || ' → ' || r.name, sum(t.people_best)
FROM prisoner_transfers t JOIN parties f ON f.party_id = t.from_party JOIN parties r ON r.party_id = t.to_party
WHERE t.date_precision <> 'year' AND t.people_best IS NOT NULL GROUP BY ALL
