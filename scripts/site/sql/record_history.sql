-- The changes of a batch of records ($ids), from the database's `changes` table: each record's own rows, and the
-- rows of the citation table ($citations) whose key names the record, at position $position of the key joined by
-- `|` (the source at position $other): a source added to or removed from the record.
SELECT CASE WHEN table_name = $citations THEN split_part(record_id, '|', $position) ELSE record_id END AS id,
       release,
       change,
       field,
       reason,
       CASE WHEN table_name = $citations THEN split_part(record_id, '|', $other) END AS source_id
FROM changes
WHERE (table_name = $citations AND split_part(record_id, '|', $position) IN (SELECT unnest($ids::VARCHAR[])))
   OR (table_name <> $citations AND record_id IN (SELECT unnest($ids::VARCHAR[])))
ORDER BY id, release, source_id NULLS FIRST, change, field
