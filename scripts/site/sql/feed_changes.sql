-- The changes of the releases $releases to the records of the tables $tables, for the Atom feed: each record's own
-- rows, and the sources added to or removed from it (the `record_changes` view gives citations to their record).
SELECT record_id AS id, release, change, field, reason, source_id
FROM record_changes
WHERE release IN (SELECT unnest($releases::VARCHAR[]))
  AND (source_id IS NOT NULL OR table_name IN (SELECT unnest($tables::VARCHAR[])))
ORDER BY release, id, source_id NULLS FIRST, change, field
