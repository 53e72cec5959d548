-- What was signed, initialled, adopted or announced as agreed, when, by whom and at which meeting?
-- One row per document record in date order, with the parties and signatories as recorded and, where the
-- document was signed or initialled at a meeting in the package, that meeting's date, level, place and venue
-- (empty otherwise, as for documents announced by statement or adopted by an organisation).
SELECT d.document_id,
       d.date,
       d.date_precision,
       d.action,
       d.kind,
       d.title,
       d.party_ids,
       d.signatories,
       d.meeting_id,
       m.date_start AS meeting_date,
       m.level AS meeting_level,
       p.name AS meeting_place,
       m.venue AS meeting_venue,
       d.record_status
FROM documents d
LEFT JOIN meetings m ON m.meeting_id = d.meeting_id
LEFT JOIN places p ON p.place_id = m.place_id
ORDER BY d.date, d.document_id;
