-- How many people has each side handed to the other since November 2020, and when was the last transfer?
-- One row per direction of transfer (releasing party, receiving party): the number of transfers, the people
-- handed over (people_best, the sum of the best estimates, between people_min and people_max where the sources
-- disagree on a head count), and the dates of the first and the last transfer (with how precisely the last is known).
SELECT f.name AS released_by,
       r.name AS received_by,
       count(*) AS transfers,
       sum(t.people_best) AS people_best,
       sum(t.people_min) AS people_min,
       sum(t.people_max) AS people_max,
       min(t.date) AS first_transfer,
       max(t.date) AS last_transfer,
       arg_max(t.date_precision, t.date) AS last_transfer_precision
FROM prisoner_transfers t
JOIN parties f ON f.party_id = t.from_party
JOIN parties r ON r.party_id = t.to_party
GROUP BY ALL
ORDER BY people_best DESC, released_by;
