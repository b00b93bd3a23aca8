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
//   - transfer: transfer:cn-cameras-mm-junta-cities
//     transfer_name: Chinese cameras for Myanmar junta safe-city projects
//     deal_date: '2021'
//     end_user: buyer:mm-junta-cities
//     end_user_name: Junta-controlled city authorities running Myanmar safe-city projects
//     country: MM
//     suppliers: ['Hangzhou Hikvision Digital Technology Co., Ltd.', 'Huawei Technologies Co., Ltd.', 'Zhejiang Dahua Technology Co., Ltd.']
//     sources: ['source:reuters-myanmar-cameras-2022', 'source:asiafinancial-myanmar-cctv-2022']
//   - transfer: transfer:dahua-nl-police-2021
//     transfer_name: Dahua cameras for the Dutch National Police
//     deal_date: 2021-06
//     end_user: buyer:nl-police
//     end_user_name: National Police (Netherlands)
//     country: NL
//     suppliers: ['Zhejiang Dahua Technology Co., Ltd.']
//     sources: ['source:nltimes-dahua-police-2022', 'source:bright-dahua-police-2022']
//   - transfer: transfer:neusoft-cn-henan-2021
//     transfer_name: Henan system to track journalists and foreign students
//     deal_date: '2021-09-17'
//     end_user: buyer:cn-henan-ps
//     end_user_name: Henan provincial public security authorities
//     country: CN
//     suppliers: [Neusoft]
//     sources: ['source:reuters-henan-2021']
//   - transfer: transfer:seagate-cn-xuar-2022
//     transfer_name: Seagate hard disk drives for Xinjiang public security bodies (2022)
//     deal_date: '2022'
//     end_user: buyer:xinjiang-government
//     end_user_name: Xinjiang government bodies (projects not itemised)
//     country: CN
//     suppliers: [Seagate Technology]
//     sources: ['source:rfa-recordedfuture-2022']
//   - transfer: transfer:western-digital-cn-xuar-2022
//     transfer_name: Western Digital hard disk drives for Xinjiang public security bodies (2022)
//     deal_date: '2022'
//     end_user: buyer:xinjiang-government
//     end_user_name: Xinjiang government bodies (projects not itemised)
//     country: CN
//     suppliers: [Western Digital Corporation]
//     sources: ['source:rfa-recordedfuture-2022']
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
//   - transfer: transfer:cellebrite-ar-mendoza-2025
//     transfer_name: Cellebrite UFED for Mendoza's security ministry
//     deal_date: '2025'
//     end_user: buyer:ar-mendoza-seguridad
//     end_user_name: Ministerio de Seguridad y Justicia de Mendoza
//     country: AR
//     suppliers: [Cellebrite]
//     sources: ['source:mdzol-mendoza-ufed-2025']
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
