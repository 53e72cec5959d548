-- Mines reported on each handover's maps (lowest, best, highest), for the mines chart.
SELECT date, coalesce(mines_min, mines_best), mines_best, coalesce(mines_max, mines_best)
FROM mine_map_handovers WHERE mines_best IS NOT NULL
