// name: single_source_links
// question: Which links rest on a single source, and so most need a second one?
// params:
//   rels: {type: list, default: [MAKES, SUPPLIER_OF, INTERMEDIARY_OF, ITEM_OF, COMPONENT_OF, DELIVERED_TO, SUBSIDIARY_OF, OWNER_OF, DIRECTOR_OF, PARTNER_OF, LISTED_ON], doc: "relationship kinds to check"}
//   statuses: {type: list, default: [reported, confirmed, denied], doc: "link statuses to include"}
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [rel, from_id, from_name, to_id, to_name, status, cited]
// example:
//   params:
//     rels: [COMPONENT_OF]
//   rows:
//   - {rel: COMPONENT_OF, from_id: 'product:megvii-face', from_name: Megvii dynamic face recognition system, to_id: 'product:huawei-video-cloud', to_name: Huawei Video Cloud Solution, status: reported, cited: 'source:ipvm-huawei-megvii-2020'}
//   - {rel: COMPONENT_OF, from_id: 'product:nvidia-chips', from_name: NVIDIA chips (GPUs), to_id: 'product:hikvision-fr', to_name: Hikvision facial recognition systems, status: reported, cited: 'source:chinaproject-hikvision-2023'}
MATCH (a)-[r]->(b)
WHERE type(r) IN $rels AND size(r.sources) = 1 AND r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of))
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       r.status AS status, r.sources[0] AS cited
ORDER BY rel, from_id, to_id
LIMIT $limit
