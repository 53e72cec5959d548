-- Sources per side they are counted on and per kind of publisher.
SELECT side::VARCHAR AS side, publisher_kind::VARCHAR AS publisher_kind, count(*)
FROM source_details
GROUP BY ALL
ORDER BY side NULLS LAST, publisher_kind NULLS LAST
