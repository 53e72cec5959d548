-- How many bars each panel of the mines chart would have: handovers, then claims per unit (the largest).
SELECT (SELECT count(*) FROM mine_map_handovers),
       coalesce((SELECT max(n) FROM (SELECT count(*) AS n FROM claims
                                     WHERE measure IN ('mines_on_maps', 'maps_count') AND value IS NOT NULL
                                     GROUP BY unit)), 0)
