-- One row per commitment (provision) of a signed or agreed document: the document and its date, the point as
-- numbered in the text, the category, the deadline and the status as of the completeness date, and the records
-- linked to it as carrying it out in full or in part (provision_links: implements, partly_implements): how many,
-- the first and the last, and the days from the document's date to the first. Those columns are empty where no
-- record is linked, which says nothing about whether the commitment was kept: see status and status_note.
WITH carried_out AS (
    SELECT l.provision_id, e.record_id, e.date, e.date_precision
    FROM provision_links l
    JOIN events e ON e.record_id = l.record_id
    WHERE l.relation IN ('implements', 'partly_implements')
)
SELECT p.provision_id,
       p.document_id,
       d.title AS document_title,
       d.date AS document_date,
       p.point,
       p.category,
       p.summary,
       p.deadline,
       p.status,
       p.status_note,
       count(c.record_id) AS implementing_records,
       arg_min(c.record_id, c.date) AS first_record_id,
       min(c.date) AS first_date,
       arg_min(c.date_precision, c.date) AS first_date_precision,
       arg_max(c.record_id, c.date) AS last_record_id,
       max(c.date) AS last_date,
       min(c.date) - min(d.date) AS days_to_first
FROM provisions p
JOIN documents d ON d.document_id = p.document_id
LEFT JOIN carried_out c ON c.provision_id = p.provision_id
GROUP BY ALL
ORDER BY document_date, p.document_id, p.provision_id
