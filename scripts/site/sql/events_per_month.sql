-- Records per month and kind, for the events chart: meetings held, transfers (one row per direction) and
-- handovers; records known only to the year are left out.
SELECT date_trunc('month', date_start)::DATE, 'Meetings held', count(*) FROM meetings
WHERE status = 'held' AND date_precision <> 'year' GROUP BY ALL
UNION ALL SELECT date_trunc('month', date)::DATE, 'Prisoner transfers (one row per direction)', count(*)
FROM prisoner_transfers WHERE date_precision <> 'year' GROUP BY ALL
UNION ALL SELECT date_trunc('month', date)::DATE, 'Mine-map handovers', count(*)
FROM mine_map_handovers WHERE date_precision <> 'year' GROUP BY ALL
