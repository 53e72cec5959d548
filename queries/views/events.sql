-- One row per meeting, prisoner transfer, mine-map handover, document and claim: the whole timeline in one
-- place. record_type is the table the record comes from; parties lists the party_ids involved (for meetings:
-- armenia, azerbaijan and the mediator; for a claim, the claimant's party, empty for an outlet's own figure).
SELECT meeting_id AS record_id, 'meetings' AS record_type, date_start AS date, date_precision,
       list_filter(['armenia', 'azerbaijan', mediator_party], lambda p: p IS NOT NULL) AS parties,
       summary, record_status
FROM meetings
UNION ALL
SELECT transfer_id, 'prisoner_transfers', date, date_precision,
       list_filter([from_party, to_party, mediator_party], lambda p: p IS NOT NULL), summary, record_status
FROM prisoner_transfers
UNION ALL
SELECT handover_id, 'mine_map_handovers', date, date_precision,
       list_filter([from_party, to_party, mediator_party], lambda p: p IS NOT NULL), summary, record_status
FROM mine_map_handovers
UNION ALL
SELECT document_id, 'documents', date, date_precision, string_split(party_ids, ';'), summary, record_status
FROM documents
UNION ALL
SELECT claim_id, 'claims', date, date_precision, list_filter([claimant_party], lambda p: p IS NOT NULL), summary,
       record_status
FROM claims
ORDER BY date, record_id
