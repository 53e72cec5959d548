-- The changes of a batch of records ($ids), from the database's `record_changes` view: each record's own rows, and
-- the sources added to or removed from the record.
SELECT record_id AS id, release, change, field, reason, source_id
FROM record_changes
WHERE record_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY id, release, source_id NULLS FIRST, change, field
