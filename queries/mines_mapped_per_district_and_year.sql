-- How many mines did the handed-over maps show, per district and year?
-- One row per district (or "(area not reported)") and year of handover. A handover's mine figure belongs
-- to all the districts it covers together, so figures of handovers covering several districts are shown
-- apart, not split between them. mines_best is the best estimate; mines_qualifier says how it was stated.
SELECT coalesce(a.place_name, '(area not reported)') AS district,
       year(h.date) AS year,
       count(*) AS handovers,
       sum(h.mines_best) FILTER (WHERE a.areas_in_handover = 1) AS mines_on_maps_of_this_district,
       sum(h.mines_best) FILTER (WHERE a.areas_in_handover > 1) AS mines_on_maps_shared_with_other_districts,
       count(*) FILTER (WHERE h.mines_qualifier = 'not_reported') AS handovers_without_a_figure
FROM mine_map_handovers h
LEFT JOIN handover_areas a ON a.handover_id = h.handover_id
GROUP BY ALL
ORDER BY year, district;
