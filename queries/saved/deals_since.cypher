// name: deals_since
// question: Which deliveries to government end users are dated on or after a given date?
// params:
//   since: {type: date, example: "2019", doc: "earliest delivery date (YYYY, YYYY-MM or YYYY-MM-DD)"}
//   country: {type: country, default: null, doc: "only end users in this country"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the delivery and supply links"}
// returns: [transfer, transfer_name, deal_date, end_user, end_user_name, country, suppliers, sources]
// notes: The deal date is the delivery link's date, else the deal's year; undated deals are left out.
MATCH (t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses AND ($country IS NULL OR b.country = $country)
WITH t, d, b, coalesce(d.since, toString(t.year)) AS deal_date
WHERE deal_date >= $since
OPTIONAL MATCH (s:Organization)-[sl:SUPPLIER_OF]->(t)
WHERE sl.status IN $statuses
WITH t, d, b, deal_date, s ORDER BY s.name
RETURN t.id AS transfer, t.name AS transfer_name, deal_date, b.id AS end_user, b.name AS end_user_name,
       b.country AS country, collect(DISTINCT s.name) AS suppliers, d.sources AS sources
ORDER BY deal_date, transfer, end_user
