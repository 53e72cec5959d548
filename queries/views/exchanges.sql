-- One row per prisoner transfer that the sources link to a mine-map handover, side by side with it: who
-- released whom, and which maps went the other way.
SELECT t.transfer_id, t.date AS transfer_date, t.from_party AS released_by, t.to_party AS received_by,
       t.people_best, t.people_qualifier, t.people_category,
       h.handover_id, h.date AS handover_date, h.from_party AS maps_from, h.to_party AS maps_to,
       h.area_place_ids, h.mines_best, h.mines_qualifier,
       coalesce(t.mediator_party, h.mediator_party) AS mediator_party
FROM prisoner_transfers t
JOIN mine_map_handovers h ON h.handover_id = t.mine_map_handover_id OR h.prisoner_transfer_id = t.transfer_id
ORDER BY t.date, t.transfer_id
