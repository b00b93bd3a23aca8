// name: technologies_by_country
// question: Which categories of technology reached end users in each country, in how many deals?
// params:
//   country: {type: country, default: null, example: CN, doc: "only this country (default: every country)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses to include"}
// returns: [country, category, transfers, end_users, sources]
// notes: sources holds the sources of the items' links to the deals and of the deliveries counted, sorted.
// example:
//   params: {country: EC}
//   rows:
//   - country: EC
//     category: safe_city_platform
//     transfers: 1
//     end_users: 1
//     sources: ['source:epoch-ecuador-2018', 'source:fp-ecuador-2018', 'source:nyt-made-in-china-2019']
//   - country: EC
//     category: telecom_equipment
//     transfers: 1
//     end_users: 1
//     sources: ['source:epoch-ecuador-2018']
MATCH (p:Product)-[i:ITEM_OF]->(t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE i.status IN $statuses
  AND ($as_of IS NULL OR ((i.since IS NULL AND NOT $dated_only) OR CASE size(i.since) WHEN 4 THEN i.since + '-12-31' WHEN 7 THEN i.since + '-31' ELSE i.since END <= $as_of)
    AND (i.until IS NULL OR CASE size(i.until) WHEN 4 THEN i.until + '-01-01' WHEN 7 THEN i.until + '-01' ELSE i.until END > $as_of)) AND d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
  AND ($country IS NULL OR b.country = $country)
WITH b.country AS country, p.category AS category, t, b, i.sources + d.sources AS found
UNWIND found AS source
WITH country, category, t, b, source ORDER BY source
RETURN country, category, count(DISTINCT t) AS transfers, count(DISTINCT b) AS end_users,
       collect(DISTINCT source) AS sources
ORDER BY country, category
