// name: deals_while_listed
// question: Which deals are dated while one of their parties was on a sanctions or export-control list (exposure)?
// params:
//   on_list: {type: entity, default: null, example: list:us-entity-list, doc: "only this list (default: every list)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the listing and of the party's link to the deal"}
// returns: [party, party_name, role, list, listed_since, listed_until, transfer, transfer_name, deal_date, status, sources]
// notes: >
//   A party is a supplier, intermediary or recipient of the deal. The deal date
//   is the party's link date, else the deal's year. A deal counts when the whole
//   of its date lies within the listing: on or after the listing's last possible
//   day, and before the first possible day it ended (a deal dated only "2019"
//   does not count for a listing of 2019-10-09; one of 2020 does). The query errs
//   on the side of not accusing. With as_of, the graph as it stood on that date.
//   Exposure is not a violation: licences, exemptions and the scope of each list
//   decide that.
// example:
//   params: {on_list: 'list:us-entity-list'}
//   rows:
//   - party: org:dahua
//     party_name: Zhejiang Dahua Technology Co., Ltd.
//     role: SUPPLIER_OF
//     list: list:us-entity-list
//     listed_since: '2019-10-09'
//     listed_until: null
//     transfer: transfer:cn-cameras-mm-junta-cities
//     transfer_name: Chinese cameras for Myanmar junta safe-city projects
//     deal_date: '2021'
//     status: reported
//     sources: ['source:reuters-myanmar-cameras-2022', 'source:asiafinancial-myanmar-cctv-2022']
//   - party: org:dahua
//     party_name: Zhejiang Dahua Technology Co., Ltd.
//     role: SUPPLIER_OF
//     list: list:us-entity-list
//     listed_since: '2019-10-09'
//     listed_until: null
//     transfer: transfer:dahua-nl-police-2021
//     transfer_name: Dahua cameras for the Dutch National Police
//     deal_date: 2021-06
//     status: reported
//     sources: ['source:nltimes-dahua-police-2022', 'source:bright-dahua-police-2022']
//   - party: org:hikvision
//     party_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     role: SUPPLIER_OF
//     list: list:us-entity-list
//     listed_since: '2019-10-09'
//     listed_until: null
//     transfer: transfer:cn-cameras-mm-junta-cities
//     transfer_name: Chinese cameras for Myanmar junta safe-city projects
//     deal_date: '2021'
//     status: reported
//     sources: ['source:reuters-myanmar-cameras-2022', 'source:asiafinancial-myanmar-cctv-2022']
//   - party: org:hikvision
//     party_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     role: SUPPLIER_OF
//     list: list:us-entity-list
//     listed_since: '2019-10-09'
//     listed_until: null
//     transfer: transfer:hikvision-chengmai-2022
//     transfer_name: Chengmai County surveillance contract specifying Uyghur detection
//     deal_date: 2022-12
//     status: reported
//     sources: ['source:chinaproject-hikvision-2023']
//   - party: org:huawei
//     party_name: Huawei Technologies Co., Ltd.
//     role: SUPPLIER_OF
//     list: list:us-entity-list
//     listed_since: 2019-05
//     listed_until: null
//     transfer: transfer:cn-cameras-mm-junta-cities
//     transfer_name: Chinese cameras for Myanmar junta safe-city projects
//     deal_date: '2021'
//     status: reported
//     sources: ['source:reuters-myanmar-cameras-2022', 'source:asiafinancial-myanmar-cctv-2022']
//   - party: org:huawei
//     party_name: Huawei Technologies Co., Ltd.
//     role: DELIVERED_TO
//     list: list:us-entity-list
//     listed_since: 2019-05
//     listed_until: null
//     transfer: transfer:seagate-cn-huawei-2020
//     transfer_name: Seagate hard disk drives for Huawei after the foreign direct product rule
//     deal_date: '2020-08-17'
//     status: reported
//     sources: ['source:dpa-seagate-2023', 'source:thompsonhine-seagate-2023', 'source:upi-seagate-2023', 'source:reuters-seagate-2023']
MATCH (party)-[l:LISTED_ON]->(x:List)
WHERE ($on_list IS NULL OR x.id = $on_list) AND l.since IS NOT NULL AND l.status IN $statuses
  AND ($as_of IS NULL OR ((l.since IS NULL AND NOT $dated_only) OR CASE size(l.since) WHEN 4 THEN l.since + '-12-31' WHEN 7 THEN l.since + '-31' ELSE l.since END <= $as_of)
    AND (l.until IS NULL OR CASE size(l.until) WHEN 4 THEN l.until + '-01-01' WHEN 7 THEN l.until + '-01' ELSE l.until END > $as_of))
MATCH (party)-[s:SUPPLIER_OF|INTERMEDIARY_OF|DELIVERED_TO]-(t:Transfer)
WHERE s.status IN $statuses
  AND ($as_of IS NULL OR ((s.since IS NULL AND NOT $dated_only) OR CASE size(s.since) WHEN 4 THEN s.since + '-12-31' WHEN 7 THEN s.since + '-31' ELSE s.since END <= $as_of)
    AND (s.until IS NULL OR CASE size(s.until) WHEN 4 THEN s.until + '-01-01' WHEN 7 THEN s.until + '-01' ELSE s.until END > $as_of))
WITH party, l, x, s, t, coalesce(s.since, toString(t.year)) AS deal_date
WHERE deal_date IS NOT NULL
WITH party, l, x, s, t, deal_date,
     CASE size(deal_date) WHEN 4 THEN deal_date + '-01-01' WHEN 7 THEN deal_date + '-01' ELSE deal_date END AS deal_first,
     CASE size(deal_date) WHEN 4 THEN deal_date + '-12-31' WHEN 7 THEN deal_date + '-31' ELSE deal_date END AS deal_last,
     CASE size(l.since) WHEN 4 THEN l.since + '-12-31' WHEN 7 THEN l.since + '-31' ELSE l.since END AS listed_last
WHERE deal_first >= listed_last
  AND (l.until IS NULL OR deal_last < CASE size(l.until) WHEN 4 THEN l.until + '-01-01' WHEN 7 THEN l.until + '-01' ELSE l.until END)
RETURN party.id AS party, party.name AS party_name, type(s) AS role, x.id AS list, l.since AS listed_since,
       l.until AS listed_until, t.id AS transfer, t.name AS transfer_name, deal_date, s.status AS status,
       s.sources AS sources
ORDER BY party, list, transfer, role
