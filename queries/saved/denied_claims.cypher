// name: denied_claims
// question: Which reported links has a party denied, and who reported them?
// params:
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [rel, from_id, from_name, to_id, to_name, note, sources]
// notes: Denied links are kept, never dropped, so a denial and what it answers stay side by side.
// example:
//   params: {}
//   rows:
//   - rel: SUPPLIER_OF
//     from_id: org:huawei
//     from_name: Huawei Technologies Co., Ltd.
//     to_id: transfer:huawei-xinjiang-safe-city
//     to_name: Huawei activity in Xinjiang
//     note: ASPI reported Huawei active in Xinjiang; Huawei has repeatedly denied involvement in the region.
//     sources: ['source:liveafrica-safecity-2020']
//   - rel: ITEM_OF
//     from_id: product:huawei-safe-city
//     from_name: Huawei Safe City solution
//     to_id: transfer:huawei-xinjiang-safe-city
//     to_name: Huawei activity in Xinjiang
//     note: ASPI reported Huawei active in Xinjiang; Huawei has repeatedly denied involvement in the region.
//     sources: ['source:liveafrica-safecity-2020']
//   - rel: DELIVERED_TO
//     from_id: transfer:huawei-xinjiang-safe-city
//     from_name: Huawei activity in Xinjiang
//     to_id: buyer:xinjiang-government
//     to_name: Xinjiang government bodies (projects not itemised)
//     note: ASPI reported Huawei active in Xinjiang; Huawei has repeatedly denied involvement in the region.
//     sources: ['source:liveafrica-safecity-2020']
MATCH (a)-[r]->(b)
WHERE r.status = 'denied'
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of))
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       r.note AS note, r.sources AS sources
ORDER BY from_id, rel, to_id
LIMIT $limit
