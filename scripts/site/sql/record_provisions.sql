-- The provisions a batch of records ($ids) is linked to (provision_links), with each provision's point, paraphrase
-- and document, in the order of the documents' dates and then of the provisions.
SELECT l.record_id,
       list({'provision_id': p.provision_id, 'point': p.point, 'summary': p.summary,
             'relation': CAST(l.relation AS VARCHAR), 'document_id': d.document_id, 'document_title': d.title}
            ORDER BY d.date, p.provision_id) AS provisions
FROM provision_links l
JOIN provisions p ON p.provision_id = l.provision_id
JOIN documents d ON d.document_id = p.document_id
WHERE l.record_id IN (SELECT unnest($ids::VARCHAR[]))
GROUP BY l.record_id
