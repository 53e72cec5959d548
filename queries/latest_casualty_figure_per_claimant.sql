-- What is the latest landmine casualty total each claimant has given?
-- One row per claimant (a state body, official or organisation, named with its party; or an outlet's own
-- figure): its most recent claim of the total of people killed or injured by mines since the 2020 war
-- (casualties_total), with the date, the value and its qualifier, and the claim's record.
SELECT coalesce(c.claimant_person || ', ' || c.claimant_office, c.claimant_person, c.claimant_office, pub.name) AS claimant,
       c.claimant_kind,
       p.name AS party,
       max(c.date) AS date,
       arg_max(c.value, c.date) AS casualties,
       arg_max(c.value_qualifier, c.date) AS value_qualifier,
       arg_max(c.claim_id, c.date) AS claim_id
FROM claims c
LEFT JOIN parties p ON p.party_id = c.claimant_party
LEFT JOIN publishers pub ON pub.publisher_id = c.claimant_publisher_id
WHERE c.topic = 'landmine_casualties' AND c.measure = 'casualties_total'
GROUP BY ALL
ORDER BY date DESC, claimant;
