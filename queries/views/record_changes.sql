-- One row per change a release made to a row of a table, from the changes table, with each change to a citation
-- given to the record it cites: a source added to or removed from the record, named in source_id. Changes to a
-- whole table or field are left out.
SELECT CASE WHEN table_name = 'citations' THEN split_part(record_id, '|', 1) ELSE record_id END AS record_id,
       release,
       table_name,
       change,
       field,
       reason,
       CASE WHEN table_name = 'citations' THEN split_part(record_id, '|', 2) END AS source_id
FROM changes
WHERE record_id <> ''
ORDER BY release, record_id, source_id NULLS FIRST, change, field
