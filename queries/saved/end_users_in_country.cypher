// name: end_users_in_country
// question: Which government end users in a country received surveillance technology, what, and from whom?
// params:
//   country: {type: country, example: EC, doc: "the end users' country: ISO code or name"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses to include"}
// returns: [end_user, end_user_name, transfer, transfer_name, year, suppliers, products, status, sources]
// notes: One row per deal delivered to an end user of the country; suppliers and products sorted by name.
// example:
//   params: {country: UG}
//   rows:
//   - end_user: buyer:ug-cmi
//     end_user_name: Chieftaincy of Military Intelligence, Special Forces Command Counter Intelligence (Uganda)
//     transfer: transfer:sii-nice-uganda-2015
//     transfer_name: NICE Systems sales to Uganda (SII NICE_Systems_Uganda_2015)
//     year: 2015
//     suppliers: [NICE Systems]
//     products: [NICE lawful interception and monitoring centre]
//     status: reported
//     sources: ['source:data-sii-transfers']
//   - end_user: buyer:ug-intelligence
//     end_user_name: Ugandan intelligence services
//     transfer: transfer:huawei-uganda-intel
//     transfer_name: Huawei staff assisting Ugandan intelligence interception
//     year: null
//     suppliers: ['Huawei Technologies Co., Ltd.']
//     products: []
//     status: reported
//     sources: ['source:greydynamics-uganda-2020']
//   - end_user: buyer:ug-police
//     end_user_name: Uganda Police
//     transfer: transfer:hacking-team-ug-police
//     transfer_name: Hacking Team software sold with NICE to the Uganda Police
//     year: null
//     suppliers: [Hacking Team, NICE Systems]
//     products: []
//     status: reported
//     sources: ['source:unwantedwitness-hackingteam-nice']
//   - end_user: buyer:ug-police
//     end_user_name: Uganda Police
//     transfer: transfer:huawei-uganda-cctv-2019
//     transfer_name: Huawei CCTV for the Uganda Police
//     year: 2019
//     suppliers: ['Huawei Technologies Co., Ltd.']
//     products: [Huawei CCTV cameras]
//     status: reported
//     sources: ['source:uganda-cctv-2019']
MATCH (b:GovernmentBuyer {country: $country})<-[d:DELIVERED_TO]-(t:Transfer)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
OPTIONAL MATCH (s:Organization)-[sl:SUPPLIER_OF|INTERMEDIARY_OF]->(t)
WHERE sl.status IN $statuses
  AND ($as_of IS NULL OR ((sl.since IS NULL AND NOT $dated_only) OR CASE size(sl.since) WHEN 4 THEN sl.since + '-12-31' WHEN 7 THEN sl.since + '-31' ELSE sl.since END <= $as_of)
    AND (sl.until IS NULL OR CASE size(sl.until) WHEN 4 THEN sl.until + '-01-01' WHEN 7 THEN sl.until + '-01' ELSE sl.until END > $as_of))
WITH b, d, t, s ORDER BY s.name
WITH b, d, t, collect(DISTINCT s.name) AS suppliers
OPTIONAL MATCH (p:Product)-[il:ITEM_OF]->(t)
WHERE il.status IN $statuses
  AND ($as_of IS NULL OR ((il.since IS NULL AND NOT $dated_only) OR CASE size(il.since) WHEN 4 THEN il.since + '-12-31' WHEN 7 THEN il.since + '-31' ELSE il.since END <= $as_of)
    AND (il.until IS NULL OR CASE size(il.until) WHEN 4 THEN il.until + '-01-01' WHEN 7 THEN il.until + '-01' ELSE il.until END > $as_of))
WITH b, d, t, suppliers, p ORDER BY p.name
WITH b, d, t, suppliers, collect(DISTINCT p.name) AS products
RETURN b.id AS end_user, b.name AS end_user_name, t.id AS transfer, t.name AS transfer_name,
       t.year AS year, suppliers, products, d.status AS status, d.sources AS sources
ORDER BY end_user, transfer
