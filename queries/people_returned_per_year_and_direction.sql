-- How many people were handed over each year, and in which direction?
-- One row per year, releasing party and receiving party. people_best is the sum of the best estimates;
-- people_min and people_max bound it where the sources disagree on a head count.
SELECT year(t.date) AS year,
       f.name AS released_by,
       r.name AS received_by,
       count(*) AS transfers,
       sum(t.people_best) AS people_best,
       sum(t.people_min) AS people_min,
       sum(t.people_max) AS people_max
FROM prisoner_transfers t
JOIN parties f ON f.party_id = t.from_party
JOIN parties r ON r.party_id = t.to_party
GROUP BY ALL
ORDER BY year, people_best DESC, released_by;
