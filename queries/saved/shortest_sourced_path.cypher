// name: shortest_sourced_path
// question: How are two entities connected, by the shortest chains of sourced supply and ownership links?
// params:
//   from_entity: {type: entity, example: org:nvidia, doc: "one end"}
//   to_entity: {type: entity, example: buyer:xuar-psb, doc: "the other end"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses a chain may use"}
//   limit: {type: integer, default: 25, doc: "at most this many chains (the first in the order shown)"}
// returns: [path, names, rels, sources, hops]
// notes: >
//   Every shortest chain, each link in either direction, over supply,
//   ownership, partnership and agency links; shared countries and shared
//   list entries are not connections. sources holds each hop's citations.
// example:
//   params: {from_entity: 'org:nvidia', to_entity: 'buyer:xuar-psb'}
//   rows:
//   - path: ['org:nvidia', 'transfer:nvidia-cn-hikvision', 'org:hikvision', 'transfer:hikvision-xuar-ijop', 'buyer:xuar-psb']
//     names: [NVIDIA, Nvidia components in Hikvision products, 'Hangzhou Hikvision Digital Technology Co., Ltd.', Hikvision involvement in Xinjiang's Integrated Joint Operations Platform, Xinjiang Uighur Autonomous Region People's Government Public Security Bureau]
//     rels: [SUPPLIER_OF, DELIVERED_TO, SUPPLIER_OF, DELIVERED_TO]
//     sources:
//     - ['source:aljazeera-hikvision-2019']
//     - ['source:aljazeera-hikvision-2019']
//     - ['source:ipvm-hikvision-xinjiang-2018', 'source:seed-wassenaar-note-2024']
//     - ['source:ipvm-hikvision-xinjiang-2018', 'source:seed-wassenaar-note-2024']
//     hops: 4
MATCH (a {id: $from_entity}), (b {id: $to_entity})
MATCH p = allShortestPaths((a)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO|SUBSIDIARY_OF|OWNER_OF|DIRECTOR_OF|PARTNER_OF|PART_OF|LINKED_TO*..12]-(b))
WHERE all(r IN relationships(p) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
RETURN [n IN nodes(p) | n.id] AS path, [n IN nodes(p) | n.name] AS names,
       [r IN relationships(p) | type(r)] AS rels, [r IN relationships(p) | r.sources] AS sources,
       length(p) AS hops
ORDER BY path, rels
LIMIT $limit
