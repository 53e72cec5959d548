-- Which records rest on a single source, and which source is it?
-- One row per meeting, transfer, handover or claim cited by exactly one source: the ones to corroborate
-- first. record_status says how firm the record is considered; side is where the one publisher stands.
SELECT r.record_type,
       r.record_id,
       r.date,
       e.record_status,
       r.publishers[1] AS publisher,
       r.sides[1] AS side,
       r.urls[1] AS url
FROM record_sources r
JOIN events e ON e.record_id = r.record_id
WHERE r.source_count = 1
ORDER BY r.record_type, r.date, r.record_id;
