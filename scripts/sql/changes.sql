-- The `changes` table: every change of every release, from releases/<version>/changes.csv and, for this release,
-- computed against the previous one by the build stage (scripts/changes.py).
CREATE TABLE changes (
    release VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    change VARCHAR NOT NULL CHECK (change IN ('added', 'changed', 'removed', 'field_added', 'field_removed', 'table_added')),
    field VARCHAR NOT NULL,
    old_value VARCHAR NOT NULL,
    new_value VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
COMMENT ON TABLE changes IS 'What each release changed: one row per added or removed record, per changed value, and per table or field added or removed. This release''s rows compare it with the previous release; earlier rows are the history kept in releases/.';
COMMENT ON COLUMN changes.release IS 'Version of the release that made the change.';
COMMENT ON COLUMN changes.table_name IS 'Table of the record.';
COMMENT ON COLUMN changes.record_id IS 'Primary key of the record (key fields joined by |); empty for a change to a whole table or field.';
COMMENT ON COLUMN changes.change IS 'added, changed or removed (a record); field_added, field_removed or table_added (the structure).';
COMMENT ON COLUMN changes.field IS 'Field whose value changed, or the field added or removed; empty otherwise.';
COMMENT ON COLUMN changes.old_value IS 'Value in the earlier release, as written in its CSV; empty where there was none.';
COMMENT ON COLUMN changes.new_value IS 'Value in this release, as written in its CSV; empty where there is none.';
COMMENT ON COLUMN changes.reason IS 'Why a record was removed, from release.toml; empty otherwise.';
