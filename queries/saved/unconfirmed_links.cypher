// name: unconfirmed_links
// question: Which links are only reported, not confirmed by an official record or the party, and how many sources back each?
// params:
//   rels: {type: list, default: [MAKES, SUPPLIER_OF, INTERMEDIARY_OF, ITEM_OF, COMPONENT_OF, DELIVERED_TO, SUBSIDIARY_OF, OWNER_OF, DIRECTOR_OF, PARTNER_OF, LISTED_ON], doc: "relationship kinds to check"}
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [rel, from_id, from_name, to_id, to_name, source_count, sources, note]
// notes: The weakest first (fewest sources), so a fact-checker starts where it matters most.
// example:
//   params:
//     rels: [COMPONENT_OF]
//   rows:
//   - rel: COMPONENT_OF
//     from_id: product:megvii-face
//     from_name: Megvii dynamic face recognition system
//     to_id: product:huawei-video-cloud
//     to_name: Huawei Video Cloud Solution
//     source_count: 1
//     sources: ['source:ipvm-huawei-megvii-2020']
//     note: Interoperability test only, per Huawei.
//   - rel: COMPONENT_OF
//     from_id: product:nvidia-chips
//     from_name: NVIDIA chips (GPUs)
//     to_id: product:hikvision-fr
//     to_name: Hikvision facial recognition systems
//     source_count: 1
//     sources: ['source:chinaproject-hikvision-2023']
//     note: IPVM found NVIDIA hardware in the Chengmai configuration; US sales to Hikvision were restricted from October 2019.
//   - rel: COMPONENT_OF
//     from_id: product:intel-chips
//     from_name: Intel server chips
//     to_id: product:sugon-supercomputer
//     to_name: Sugon supercomputer at the Urumqi Cloud Computing Center
//     source_count: 2
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
//     note: Intel says it was unaware of the misuse.
//   - rel: COMPONENT_OF
//     from_id: product:nvidia-chips
//     from_name: NVIDIA chips (GPUs)
//     to_id: product:sugon-supercomputer
//     to_name: Sugon supercomputer at the Urumqi Cloud Computing Center
//     source_count: 2
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
//     note: Nvidia says it was unaware of the misuse.
MATCH (a)-[r]->(b)
WHERE type(r) IN $rels AND r.status = 'reported'
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of))
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       size(r.sources) AS source_count, r.sources AS sources, r.note AS note
ORDER BY source_count, rel, from_id, to_id
LIMIT $limit
