-- The provisions of a batch of documents, or a batch of provisions ($ids), in the order of their points, each with the records linked to it
-- (provision_links), oldest first, and each linked record's date and summary (from the events view).
SELECT p.document_id,
       p.provision_id,
       p.point,
       p.summary,
       CAST(p.category AS VARCHAR) AS category,
       CAST(p.deadline AS VARCHAR) AS deadline,
       CAST(p.deadline_precision AS VARCHAR) AS deadline_precision,
       CAST(p.status AS VARCHAR) AS status,
       p.status_note,
       list({'record_id': l.record_id, 'relation': CAST(l.relation AS VARCHAR), 'date': CAST(e.date AS VARCHAR),
             'date_precision': CAST(e.date_precision AS VARCHAR), 'summary': e.summary}
            ORDER BY e.date NULLS LAST, l.record_id) FILTER (WHERE l.record_id IS NOT NULL) AS links
FROM provisions p
LEFT JOIN provision_links l ON l.provision_id = p.provision_id
LEFT JOIN events e ON e.record_id = l.record_id
WHERE p.document_id IN (SELECT unnest($ids::VARCHAR[])) OR p.provision_id IN (SELECT unnest($ids::VARCHAR[]))
GROUP BY ALL
ORDER BY p.document_id, p.provision_id
