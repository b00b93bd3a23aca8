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
// example:
//   params: {entity: 'org:cetc'}
//   rows:
//   - relative: org:anhui-sun-create
//     relative_name: Anhui Sun Create Electronics Co., Ltd.
//     relation: subsidiary
//     hops: 1
//     lists: ['list:us-dod-1260h']
//   - relative: org:glarun
//     relative_name: GLARUN Technology Co., Ltd.
//     relation: subsidiary
//     hops: 1
//     lists: ['list:us-dod-1260h']
//   - relative: org:hikvision
//     relative_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relation: subsidiary
//     hops: 1
//     lists: ['list:us-dod-1260h', 'list:us-entity-list', 'list:us-fcc-covered', 'list:us-ndaa-889']
//   - relative: org:phoenix-optics
//     relative_name: Phoenix Optics Company Limited
//     relation: subsidiary
//     hops: 1
//     lists: ['list:us-dod-1260h']
//   - relative: org:taiji
//     relative_name: Taiji Computer Co., Ltd.
//     relation: subsidiary
//     hops: 1
//     lists: ['list:us-dod-1260h']
MATCH (e:Organization {id: $entity})
CALL {
  WITH e
  MATCH p = (e)-[:SUBSIDIARY_OF*1..5]->(x)
  WHERE all(r IN relationships(p) WHERE r.status IN $statuses
    AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
      AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
  RETURN x, 'parent' AS relation, length(p) AS hops
  UNION ALL
  WITH e
  MATCH p = (e)<-[:SUBSIDIARY_OF*1..5]-(x)
  WHERE all(r IN relationships(p) WHERE r.status IN $statuses
    AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
      AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
  RETURN x, 'subsidiary' AS relation, length(p) AS hops
  UNION ALL
  WITH e
  MATCH (e)<-[o:OWNER_OF]-(x)
  WHERE o.status IN $statuses
    AND ($as_of IS NULL OR ((o.since IS NULL AND NOT $dated_only) OR CASE size(o.since) WHEN 4 THEN o.since + '-12-31' WHEN 7 THEN o.since + '-31' ELSE o.since END <= $as_of)
      AND (o.until IS NULL OR CASE size(o.until) WHEN 4 THEN o.until + '-01-01' WHEN 7 THEN o.until + '-01' ELSE o.until END > $as_of))
  RETURN x, 'owner' AS relation, 1 AS hops
  UNION ALL
  WITH e
  MATCH (e)-[o:OWNER_OF]->(x)
  WHERE o.status IN $statuses
    AND ($as_of IS NULL OR ((o.since IS NULL AND NOT $dated_only) OR CASE size(o.since) WHEN 4 THEN o.since + '-12-31' WHEN 7 THEN o.since + '-31' ELSE o.since END <= $as_of)
      AND (o.until IS NULL OR CASE size(o.until) WHEN 4 THEN o.until + '-01-01' WHEN 7 THEN o.until + '-01' ELSE o.until END > $as_of))
  RETURN x, 'owned' AS relation, 1 AS hops
}
WITH x, relation, min(hops) AS hops
OPTIONAL MATCH (x)-[lx:LISTED_ON]->(l:List)
WHERE ($as_of IS NULL OR ((lx.since IS NULL AND NOT $dated_only) OR CASE size(lx.since) WHEN 4 THEN lx.since + '-12-31' WHEN 7 THEN lx.since + '-31' ELSE lx.since END <= $as_of)
    AND (lx.until IS NULL OR CASE size(lx.until) WHEN 4 THEN lx.until + '-01-01' WHEN 7 THEN lx.until + '-01' ELSE lx.until END > $as_of))
WITH x, relation, hops, l ORDER BY l.id
RETURN x.id AS relative, x.name AS relative_name, relation, hops, collect(DISTINCT l.id) AS lists
ORDER BY relation, hops, relative
