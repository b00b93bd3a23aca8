// name: deals_since
// question: Which deliveries to government end users are dated on or after a given date?
// params:
//   since: {type: date, example: "2019", doc: "earliest delivery date (YYYY, YYYY-MM or YYYY-MM-DD)"}
//   country: {type: country, default: null, doc: "only end users in this country"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the delivery and supply links"}
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [transfer, transfer_name, deal_date, end_user, end_user_name, country, suppliers, sources]
// notes: The deal date is the delivery link's date, else the deal's year; undated deals are left out.
// example:
//   params: {since: '2021'}
//   rows:
//   - transfer: transfer:thermo-tibet-2022
//     transfer_name: Thermo Fisher DNA profiling kits for Tibetan police
//     deal_date: 2022-08
//     end_user: buyer:tibet-police
//     end_user_name: Tibet Autonomous Region police
//     country: CN
//     suppliers: [Thermo Fisher Scientific Inc.]
//     sources: ['source:intercept-tibet-2022']
//   - transfer: transfer:hikvision-chengmai-2022
//     transfer_name: Chengmai County surveillance contract specifying Uyghur detection
//     deal_date: 2022-12
//     end_user: buyer:chengmai-county
//     end_user_name: Chengmai County government, Hainan
//     country: CN
//     suppliers: ['Hangzhou Hikvision Digital Technology Co., Ltd.']
//     sources: ['source:chinaproject-hikvision-2023']
MATCH (t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of)) AND ($country IS NULL OR b.country = $country)
WITH t, d, b, coalesce(d.since, toString(t.year)) AS deal_date
WHERE deal_date >= $since
OPTIONAL MATCH (s:Organization)-[sl:SUPPLIER_OF]->(t)
WHERE sl.status IN $statuses
  AND ($as_of IS NULL OR ((sl.since IS NULL AND NOT $dated_only) OR CASE size(sl.since) WHEN 4 THEN sl.since + '-12-31' WHEN 7 THEN sl.since + '-31' ELSE sl.since END <= $as_of)
    AND (sl.until IS NULL OR CASE size(sl.until) WHEN 4 THEN sl.until + '-01-01' WHEN 7 THEN sl.until + '-01' ELSE sl.until END > $as_of))
WITH t, d, b, deal_date, s ORDER BY s.name
RETURN t.id AS transfer, t.name AS transfer_name, deal_date, b.id AS end_user, b.name AS end_user_name,
       b.country AS country, collect(DISTINCT s.name) AS suppliers, d.sources AS sources
ORDER BY deal_date, transfer, end_user
LIMIT $limit
