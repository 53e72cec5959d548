-- One row per cited record, with the sources it cites: their ids, URLs, publishers and the sides the sources are
-- counted on (see source_details), in source_id order. The records are those of events, and the provisions
-- (commitments of documents, which have no date of their own: the date is their document's).
WITH cited_records AS (
    SELECT record_id, record_type, date FROM events
    UNION ALL
    SELECT p.provision_id, 'provisions', d.date
    FROM provisions p
    JOIN documents d ON d.document_id = p.document_id
    WHERE p.provision_id NOT IN (SELECT record_id FROM events)
)
SELECT e.record_id, e.record_type, e.date, count(s.source_id) AS source_count,
       list(s.source_id ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS source_ids,
       list(s.url ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS urls,
       list(s.publisher ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS publishers,
       list(DISTINCT s.side::VARCHAR ORDER BY s.side::VARCHAR) FILTER (WHERE s.source_id IS NOT NULL) AS sides
FROM cited_records e
LEFT JOIN citations c ON c.record_id = e.record_id
LEFT JOIN source_details s ON s.source_id = c.source_id
GROUP BY e.record_id, e.record_type, e.date
ORDER BY e.date, e.record_id
