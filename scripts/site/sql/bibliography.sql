-- Every source with its publisher and side, for the bibliography: by publisher, then date.
SELECT source_id, publisher, original_publisher, publisher_kind, side::VARCHAR AS side, url, title,
       published_date::VARCHAR AS published_date, published_date_precision::VARCHAR AS published_date_precision,
       language, kind::VARCHAR AS kind
FROM source_details
ORDER BY lower(publisher), published_date NULLS LAST, source_id
