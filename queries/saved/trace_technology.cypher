// name: trace_technology
// question: Which end users does a vendor's or a product's technology reach, and through which deals?
// params:
//   entity: {type: entity, example: org:cloudwalk, doc: "the vendor (org:...) or product (product:...) to trace from"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have; add denied to see contested links"}
// returns: [end_user, end_user_name, country, transfer, transfer_name, year, status, sources, via]
// notes: >
//   Follows supply links downstream (makes, supplies, brokers, is an item or a
//   component of, is delivered to) for up to 12 hops, through integrators that
//   receive a deal and supply another. A company's trace includes its
//   subsidiaries' deals (up to 5 levels down): via names the subsidiary (the one
//   with the smallest id) when the company does not reach the deal itself. One
//   row per deal reaching a government end user; status and sources are those
//   of the delivery link. `dualtrace trace` answers the same question.
// example:
//   params: {entity: 'org:huawei'}
//   count: 24
//   first:
//   - end_user: buyer:bw-police
//     end_user_name: Botswana Police Service
//     country: BW
//     transfer: transfer:huawei-bw-safecity-2017
//     transfer_name: Huawei video-surveillance (CCTV) project for the Botswana Police Service
//     year: 2017
//     status: reported
//     sources: ['source:itweb-botswana-huawei-2019', 'source:rwr-botswana-huawei-2019']
//     via: null
//   - end_user: buyer:ci-mis
//     end_user_name: Ministry of the Interior and Security (Côte d'Ivoire)
//     country: CI
//     transfer: transfer:huawei-ci-abidjan
//     transfer_name: Abidjan video-surveillance system for Côte d'Ivoire's Interior Ministry
//     year: null
//     status: reported
//     sources: ['source:le360-abidjan-videosurveillance-2016', 'source:connectionivoirienne-huawei-2019']
//     via: null
//   - end_user: buyer:cm-dgsn
//     end_user_name: Délégation générale à la sûreté nationale (Cameroon)
//     country: CM
//     transfer: transfer:huawei-cm-dgsn-2017
//     transfer_name: Huawei nationwide urban video surveillance for Cameroon's DGSN
//     year: 2017
//     status: reported
//     sources: ['source:camerpost-huawei-dgsn-2017', 'source:afrinews-cameroon-loan-2018']
//     via: null
MATCH (start {id: $entity})
OPTIONAL MATCH o = (sub:Organization)-[:SUBSIDIARY_OF*1..5]->(start)
WHERE all(r IN relationships(o) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH start, collect(DISTINCT sub) AS subsidiaries
UNWIND [start] + subsidiaries AS origin
MATCH p = (origin)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO*1..12]->(t:Transfer)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH start, t, collect(DISTINCT origin.id) AS origins
WITH t, CASE WHEN start.id IN origins THEN null
             ELSE reduce(m = null, x IN origins | CASE WHEN m IS NULL OR x < m THEN x ELSE m END) END AS via
MATCH (t)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
RETURN b.id AS end_user, b.name AS end_user_name, b.country AS country,
       t.id AS transfer, t.name AS transfer_name, t.year AS year,
       d.status AS status, d.sources AS sources, via
ORDER BY country, end_user, transfer
