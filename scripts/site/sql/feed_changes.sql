-- The changes of the releases $releases to the records of the tables $tables, for the Atom feed: each record's own
-- rows, and the rows of the citation table ($citations) whose key names a record, at position $position of the key
-- joined by `|` (the source at position $other).
SELECT CASE WHEN table_name = $citations THEN split_part(record_id, '|', $position) ELSE record_id END AS id,
       release,
       change,
       field,
       reason,
       CASE WHEN table_name = $citations THEN split_part(record_id, '|', $other) END AS source_id
FROM changes
WHERE release IN (SELECT unnest($releases::VARCHAR[]))
  AND (table_name = $citations OR table_name IN (SELECT unnest($tables::VARCHAR[])))
  AND record_id <> ''
ORDER BY release, id, source_id NULLS FIRST, change, field
