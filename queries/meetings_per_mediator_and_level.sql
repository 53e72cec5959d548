-- Who brought the two sides together, and at what level?
-- One row per mediator ("(none)" for meetings without one), counting meetings that were held, by level,
-- and, apart, those that were cancelled, proposed or postponed. Most held meetings first.
SELECT coalesce(p.name, '(none)') AS mediator,
       count(*) FILTER (WHERE m.status = 'held') AS held,
       count(*) FILTER (WHERE m.status = 'held' AND m.level = 'leaders') AS leaders,
       count(*) FILTER (WHERE m.status = 'held' AND m.level = 'foreign_ministers') AS foreign_ministers,
       count(*) FILTER (WHERE m.status = 'held' AND m.level = 'deputy_prime_ministers') AS deputy_prime_ministers,
       count(*) FILTER (WHERE m.status = 'held' AND m.level = 'other') AS other_officials,
       count(*) FILTER (WHERE m.status <> 'held') AS not_held
FROM meetings m
LEFT JOIN parties p ON p.party_id = m.mediator_party
GROUP BY ALL
ORDER BY held DESC, not_held DESC, mediator;
