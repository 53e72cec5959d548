-- Records whose sources all come from one side (Armenian or Azerbaijani), with how many sources they cite.
SELECT record_id, sides[1] AS side, source_count
FROM record_sources
WHERE len(sides) = 1 AND sides[1] IN ('armenia', 'azerbaijan')
ORDER BY record_id
