-- Every record of the events view, oldest first, for the chronological list.
SELECT record_id, record_type, date, date_precision, summary, record_status FROM events ORDER BY date, record_id
