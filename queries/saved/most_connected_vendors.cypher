// name: most_connected_vendors
// question: In each product category, which vendors supply the most government end users?
// params:
//   top: {type: integer, default: 3, example: 2, doc: "how many vendors per category"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the supply, item and delivery links"}
// returns: [category, rank, vendor, vendor_name, end_users, transfers]
// notes: >
//   A vendor counts for a category when it supplies a deal with an item of that
//   category. Ties are broken by number of deals, then by id, so the ranking
//   is stable.
// example:
//   params: {top: 2}
//   count: 37
//   first:
//   - {category: component, rank: 1, vendor: 'org:seagate', vendor_name: Seagate Technology, end_users: 1, transfers: 1}
//   - {category: component, rank: 2, vendor: 'org:western-digital', vendor_name: Western Digital Corporation, end_users: 1, transfers: 1}
//   - {category: computing_infrastructure, rank: 1, vendor: 'org:huawei', vendor_name: 'Huawei Technologies Co., Ltd.', end_users: 1, transfers: 1}
MATCH (o:Organization)-[s:SUPPLIER_OF]->(t:Transfer)<-[i:ITEM_OF]-(p:Product),
      (t)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE s.status IN $statuses
  AND ($as_of IS NULL OR ((s.since IS NULL AND NOT $dated_only) OR CASE size(s.since) WHEN 4 THEN s.since + '-12-31' WHEN 7 THEN s.since + '-31' ELSE s.since END <= $as_of)
    AND (s.until IS NULL OR CASE size(s.until) WHEN 4 THEN s.until + '-01-01' WHEN 7 THEN s.until + '-01' ELSE s.until END > $as_of)) AND i.status IN $statuses
  AND ($as_of IS NULL OR ((i.since IS NULL AND NOT $dated_only) OR CASE size(i.since) WHEN 4 THEN i.since + '-12-31' WHEN 7 THEN i.since + '-31' ELSE i.since END <= $as_of)
    AND (i.until IS NULL OR CASE size(i.until) WHEN 4 THEN i.until + '-01-01' WHEN 7 THEN i.until + '-01' ELSE i.until END > $as_of)) AND d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
WITH p.category AS category, o, count(DISTINCT b) AS end_users, count(DISTINCT t) AS transfers
ORDER BY category, end_users DESC, transfers DESC, o.id
WITH category, collect({vendor: o.id, vendor_name: o.name, end_users: end_users, transfers: transfers}) AS ranked
UNWIND range(0, size(ranked) - 1) AS i
WITH category, i, ranked[i] AS entry
WHERE i < $top
RETURN category, i + 1 AS rank, entry.vendor AS vendor, entry.vendor_name AS vendor_name,
       entry.end_users AS end_users, entry.transfers AS transfers
ORDER BY category, rank
