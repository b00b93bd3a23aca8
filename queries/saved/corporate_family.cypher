// name: corporate_family
// question: Who are a company's parents, subsidiaries and owners, and which lists is each on?
// params:
//   entity: {type: entity, example: org:huawei, doc: "the company (org:...)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the ownership links followed"}
// returns: [relative, relative_name, relation, hops, lists]
// notes: >
//   Parents and subsidiaries follow SUBSIDIARY_OF up to 5 levels; owners and
//   owned companies are one OWNER_OF link away. A listing of a parent does not
//   automatically cover its subsidiaries: each list's own rules decide.
MATCH (e:Organization {id: $entity})
CALL {
  WITH e
  MATCH p = (e)-[:SUBSIDIARY_OF*1..5]->(x)
  WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
  RETURN x, 'parent' AS relation, length(p) AS hops
  UNION ALL
  WITH e
  MATCH p = (e)<-[:SUBSIDIARY_OF*1..5]-(x)
  WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
  RETURN x, 'subsidiary' AS relation, length(p) AS hops
  UNION ALL
  WITH e
  MATCH (e)<-[o:OWNER_OF]-(x)
  WHERE o.status IN $statuses
  RETURN x, 'owner' AS relation, 1 AS hops
  UNION ALL
  WITH e
  MATCH (e)-[o:OWNER_OF]->(x)
  WHERE o.status IN $statuses
  RETURN x, 'owned' AS relation, 1 AS hops
}
WITH x, relation, min(hops) AS hops
OPTIONAL MATCH (x)-[:LISTED_ON]->(l:List)
WITH x, relation, hops, l ORDER BY l.id
RETURN x.id AS relative, x.name AS relative_name, relation, hops, collect(DISTINCT l.id) AS lists
ORDER BY relation, hops, relative
