-- Which meetings were cancelled, postponed or only proposed, and what reasons did each party give?
-- One row per such meeting and claim made about it (a meeting no one commented on appears once, with
-- empty claim columns), in date order.
SELECT m.meeting_id,
       m.date_start,
       m.status,
       m.level,
       m.mediator_party,
       c.claimant_party,
       c.claimant_person,
       c.summary AS what_they_said
FROM meetings m
LEFT JOIN claims c ON c.record_id = m.meeting_id
WHERE m.status <> 'held'
ORDER BY m.date_start, m.meeting_id, c.claim_id;
