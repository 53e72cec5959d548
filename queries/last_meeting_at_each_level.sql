-- When and where did the two sides last meet, at each level?
-- One row per level of meeting: the last meeting that was held (its date, place and record), and how many
-- meetings at that level were held in all. The summary says what came of it; documents signed there are in
-- `documents` (meeting_id).
SELECT m.level,
       count(*) AS meetings_held,
       max(m.date_start) AS last_date,
       arg_max(m.date_precision, m.date_start) AS last_date_precision,
       arg_max(p.name, m.date_start) AS last_place,
       arg_max(m.meeting_id, m.date_start) AS last_meeting_id,
       arg_max(m.summary, m.date_start) AS last_summary
FROM meetings m
LEFT JOIN places p ON p.place_id = m.place_id
WHERE m.status = 'held'
GROUP BY ALL
ORDER BY last_date DESC;
