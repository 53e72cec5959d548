-- One row per place named in a mine-map handover's area_place_ids, with the place's name and kind. mines_best
-- is the figure for the whole handover, not for the place: areas_in_handover says how many places share it.
SELECT a.handover_id, h.date, h.date_precision, a.place_id, p.name AS place_name, p.kind AS place_kind,
       p.country_code, h.from_party, h.to_party, h.mines_best, h.mines_qualifier, a.areas_in_handover
FROM (SELECT handover_id, unnest(string_split(area_place_ids, ';')) AS place_id,
             len(string_split(area_place_ids, ';')) AS areas_in_handover
      FROM mine_map_handovers) a
JOIN mine_map_handovers h ON h.handover_id = a.handover_id
JOIN places p ON p.place_id = a.place_id
ORDER BY h.date, a.handover_id, a.place_id
