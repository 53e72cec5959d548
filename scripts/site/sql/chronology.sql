-- The latest records of the events view (as many as the parameter says), oldest first, for the chronological list.
SELECT * FROM (
    SELECT record_id, record_type, date::VARCHAR AS date, date_precision::VARCHAR AS date_precision, summary,
           record_status::VARCHAR AS record_status
    FROM events ORDER BY events.date DESC NULLS LAST, record_id DESC LIMIT ?
) ORDER BY date NULLS FIRST, record_id
