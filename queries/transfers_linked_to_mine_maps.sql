-- Which prisoner releases came together with a handover of mine maps?
-- One row per transfer that the sources link to a mine-map handover: who was released, and which maps
-- went the other way.
SELECT transfer_id,
       transfer_date,
       released_by,
       received_by,
       people_best,
       handover_id,
       maps_from,
       area_place_ids,
       mines_best,
       mediator_party
FROM exchanges
ORDER BY transfer_date, transfer_id;
