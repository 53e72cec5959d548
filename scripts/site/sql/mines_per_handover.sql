-- Mines reported on the maps of each handover (lowest, best, highest, qualifier), with its date and parties,
-- for the mines chart; handovers with no reported figure are listed too.
SELECT h.handover_id, h.date, h.date_precision, f.name AS from_party, t.name AS to_party,
       h.mines_min, h.mines_best, h.mines_max, h.mines_qualifier
FROM mine_map_handovers h
LEFT JOIN parties f ON f.party_id = h.from_party
LEFT JOIN parties t ON t.party_id = h.to_party
ORDER BY h.date, h.handover_id
