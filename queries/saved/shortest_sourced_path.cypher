// name: shortest_sourced_path
// question: How are two entities connected, by the shortest chains of sourced supply and ownership links?
// params:
//   from_entity: {type: entity, example: org:nvidia, doc: "one end"}
//   to_entity: {type: entity, example: buyer:xuar-psb, doc: "the other end"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses a chain may use"}
// returns: [path, names, rels, sources, hops]
// notes: >
//   Every shortest chain, each link in either direction, over supply,
//   ownership, partnership and agency links; shared countries and shared
//   list entries are not connections. sources holds each hop's citations.
MATCH (a {id: $from_entity}), (b {id: $to_entity})
MATCH p = allShortestPaths((a)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO|SUBSIDIARY_OF|OWNER_OF|DIRECTOR_OF|PARTNER_OF|PART_OF*..12]-(b))
WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
RETURN [n IN nodes(p) | n.id] AS path, [n IN nodes(p) | n.name] AS names,
       [r IN relationships(p) | type(r)] AS rels, [r IN relationships(p) | r.sources] AS sources,
       length(p) AS hops
ORDER BY path, rels
