-- One row per source with its publisher's name, kind and country, and the side the source is counted on: the
-- side of the original publisher for a copy or rewrite, otherwise of the publisher itself.
SELECT s.source_id, s.url, s.title, s.published_date, s.published_date_precision, s.language, s.kind,
       s.publisher_id, p.name AS publisher, p.kind AS publisher_kind, p.country_code AS publisher_country,
       s.original_publisher_id, o.name AS original_publisher,
       coalesce(o.side, p.side) AS side
FROM sources s
JOIN publishers p ON p.publisher_id = s.publisher_id
LEFT JOIN publishers o ON o.publisher_id = s.original_publisher_id
ORDER BY s.source_id
