-- Every source with its publisher and side, and the records that cite it, for the bibliography: by publisher,
-- then date.
SELECT s.source_id, s.publisher, s.original_publisher, s.publisher_kind, s.side::VARCHAR AS side, s.url, s.title,
       s.published_date::VARCHAR AS published_date,
       s.published_date_precision::VARCHAR AS published_date_precision, s.language, s.kind::VARCHAR AS kind,
       c.cited_by
FROM source_details s
LEFT JOIN (SELECT source_id, list(record_id ORDER BY record_id) AS cited_by FROM citations GROUP BY ALL) c
       ON c.source_id = s.source_id
ORDER BY lower(s.publisher), s.published_date NULLS LAST, s.source_id
