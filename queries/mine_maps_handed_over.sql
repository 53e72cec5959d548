-- How many handovers of minefield maps or forms have there been, and how many mines do they record?
-- One row per direction (handing party, receiving party): the number of handovers of maps or forms, the
-- mines the maps are said to record (mines_best, between mines_min and mines_max; handovers whose count was not
-- reported add nothing), and the dates of the first and the last handover (with how precisely the last is known).
SELECT f.name AS handed_over_by,
       r.name AS received_by,
       count(*) AS handovers,
       count(h.mines_best) AS handovers_with_a_mine_count,
       sum(h.mines_best) AS mines_best,
       sum(h.mines_min) AS mines_min,
       sum(h.mines_max) AS mines_max,
       min(h.date) AS first_handover,
       max(h.date) AS last_handover,
       arg_max(h.date_precision, h.date) AS last_handover_precision
FROM mine_map_handovers h
JOIN parties f ON f.party_id = h.from_party
JOIN parties r ON r.party_id = h.to_party
GROUP BY ALL
ORDER BY handovers DESC, handed_over_by;
