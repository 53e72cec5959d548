-- How many meetings were held each year, and at what level?
-- One row per year: meetings held, in all and at each level (leaders, foreign ministers, deputy prime
-- ministers, other officials). Cancelled, proposed and postponed meetings are not counted.
SELECT year(date_start) AS year,
       count(*) AS meetings_held,
       count(*) FILTER (WHERE level = 'leaders') AS leaders,
       count(*) FILTER (WHERE level = 'foreign_ministers') AS foreign_ministers,
       count(*) FILTER (WHERE level = 'deputy_prime_ministers') AS deputy_prime_ministers,
       count(*) FILTER (WHERE level = 'other') AS other
FROM meetings
WHERE status = 'held'
GROUP BY ALL
ORDER BY year;
