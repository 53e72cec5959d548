-- The Commitments page: every provision from the `commitments` view, with its document's date precision, in the
-- order of the documents' dates and then of their provisions.
SELECT c.provision_id, c.document_id, c.document_title, CAST(c.document_date AS VARCHAR) AS document_date,
       CAST(d.date_precision AS VARCHAR) AS document_date_precision, c.point, CAST(c.category AS VARCHAR) AS category,
       c.summary, CAST(c.status AS VARCHAR) AS status, c.implementing_records,
       c.first_record_id, CAST(c.first_date AS VARCHAR) AS first_date,
       CAST(c.first_date_precision AS VARCHAR) AS first_date_precision,
       c.last_record_id, CAST(c.last_date AS VARCHAR) AS last_date, c.days_to_first
FROM commitments c
JOIN documents d ON d.document_id = c.document_id
ORDER BY c.document_date, c.document_id, c.provision_id
