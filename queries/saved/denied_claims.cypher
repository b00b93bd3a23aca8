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
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       r.note AS note, r.sources AS sources
ORDER BY from_id, rel, to_id
LIMIT $limit
