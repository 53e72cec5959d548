-- What did the statement of 10 November 2020 promise, and what was done?
-- One row per point of the trilateral statement that ended the 2020 war: what it promised, its status as of
-- the completeness date and why, and the records linked to it as carrying it out (how many, the first, and the
-- days it took from the statement). Each linked record is in provision_links with the sources that show the link.
SELECT point,
       category,
       summary,
       deadline,
       status,
       implementing_records,
       first_record_id,
       first_date,
       days_to_first,
       status_note
FROM commitments
WHERE document_date = DATE '2020-11-10'
ORDER BY try_cast(point AS INTEGER), point;
