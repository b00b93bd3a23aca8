// name: vendors_reaching_agency
// question: Which companies' technology reaches a given government agency, directly or through others?
// params:
//   agency: {type: entity, example: buyer:urumqi-ccc, doc: "the government end user (buyer:...)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have"}
// returns: [vendor, vendor_name, vendor_country, hops, transfers, sources]
// notes: >
//   hops counts links from the company to the agency along the shortest chain
//   (1 is impossible: a company supplies a deal, which is delivered, so a direct
//   supplier is 2 hops away; a maker of an item is 3). transfers lists the deals
//   delivered to the agency that the company's chains lead to. Deals delivered to
//   the agency's units (PART_OF, up to 3 levels) count as reaching it, as in
//   `dualtrace reach`, which answers the same question deal by deal. sources:
//   who says the deals reached the agency (the deliveries' sources, sorted).
// example:
//   params: {agency: 'buyer:urumqi-ccc'}
//   rows:
//   - vendor: org:sugon
//     vendor_name: Dawning Information Industry Co., Ltd.
//     vendor_country: CN
//     hops: 2
//     transfers: ['transfer:sugon-urumqi-ccc']
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
//   - vendor: org:intel
//     vendor_name: Intel
//     vendor_country: US
//     hops: 4
//     transfers: ['transfer:sugon-urumqi-ccc']
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
//   - vendor: org:nvidia
//     vendor_name: NVIDIA
//     vendor_country: US
//     hops: 4
//     transfers: ['transfer:sugon-urumqi-ccc']
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
MATCH (agency {id: $agency})
OPTIONAL MATCH u = (unit:GovernmentBuyer)-[:PART_OF*1..3]->(agency)
WHERE all(r IN relationships(u) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH [agency] + collect(DISTINCT unit) AS bodies
UNWIND bodies AS body
MATCH (t:Transfer)-[d:DELIVERED_TO]->(body)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
MATCH p = (o:Organization)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO*1..11]->(t)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH o, t, min(length(p)) + 1 AS hops, collect(d.sources) AS delivered ORDER BY t.id
WITH o, min(hops) AS hops, collect(DISTINCT t.id) AS transfers, collect(delivered) AS nested
UNWIND nested AS lists
UNWIND lists AS found
UNWIND found AS source
WITH o, hops, transfers, source ORDER BY source
WITH o, hops, transfers, collect(DISTINCT source) AS sources
RETURN o.id AS vendor, o.name AS vendor_name, o.country AS vendor_country, hops, transfers, sources
ORDER BY hops, vendor
