-- How long were people held between detention and release?
-- One row per transfer whose sources give a detention date, longest first. Where only the month of
-- detention is known (detention_date_precision = 'month'), the date is the first of that month, so
-- days_held is an upper bound.
SELECT t.transfer_id,
       t.detention_date,
       t.detention_date_precision,
       t.date AS released_on,
       t.date - t.detention_date AS days_held,
       t.people_best AS people,
       t.from_party AS held_by,
       t.people_category
FROM prisoner_transfers t
WHERE t.detention_date IS NOT NULL
ORDER BY days_held DESC, t.transfer_id;
