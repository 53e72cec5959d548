-- How many records the charts leave out: dated only to the year, transfers and handovers with no figure.
SELECT (SELECT count(*) FROM events WHERE date_precision = 'year' AND record_type <> 'claims'),
       (SELECT count(*) FROM prisoner_transfers WHERE people_best IS NULL),
       (SELECT count(*) FROM mine_map_handovers WHERE mines_best IS NULL)
