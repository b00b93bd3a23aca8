// name: unlisted_group_members
// question: Which companies in the same corporate group as a listed company are not on that list?
// params:
//   on_list: {type: entity, example: list:us-entity-list, doc: "the sanctions or export-control list (list:...)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the ownership links followed"}
// returns: [listed, listed_name, relative, relative_name, hops, other_lists]
// notes: >
//   The group is every company joined to the listed one by SUBSIDIARY_OF links
//   (up to 5, in either direction: parents, subsidiaries, sister companies).
//   These are the places a listing may be evaded or may not reach; whether it
//   does depends on the list's own ownership rules.
// example:
//   params: {on_list: 'list:us-entity-list'}
//   count: 9
//   first:
//   - listed: org:dahua
//     listed_name: Zhejiang Dahua Technology Co., Ltd.
//     relative: org:chengdu-dahua-wisdom
//     relative_name: Chengdu Dahua Wisdom Information Technology Co., Ltd.
//     hops: 1
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:dji
//     listed_name: Shenzhen DJI Innovation Technology Co., Ltd.
//     relative: org:dajiang-baiwang
//     relative_name: Shenzhen Dajiang Baiwang Technology Co., Ltd.
//     hops: 1
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:hikvision
//     listed_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relative: org:cetc
//     relative_name: China Electronics Technology Group Corporation
//     hops: 1
//     other_lists: ['list:us-dod-1260h']
MATCH (listed:Organization)-[lx:LISTED_ON]->(x:List {id: $on_list})
WHERE ($as_of IS NULL OR ((lx.since IS NULL AND NOT $dated_only) OR CASE size(lx.since) WHEN 4 THEN lx.since + '-12-31' WHEN 7 THEN lx.since + '-31' ELSE lx.since END <= $as_of)
    AND (lx.until IS NULL OR CASE size(lx.until) WHEN 4 THEN lx.until + '-01-01' WHEN 7 THEN lx.until + '-01' ELSE lx.until END > $as_of))
MATCH p = (listed)-[:SUBSIDIARY_OF*1..5]-(relative:Organization)
WHERE relative <> listed
  AND all(r IN relationships(p) WHERE r.status IN $statuses
    AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
      AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH listed, x, relative, min(length(p)) AS hops
OPTIONAL MATCH (relative)-[rl:LISTED_ON]->(x)
WHERE ($as_of IS NULL OR ((rl.since IS NULL AND NOT $dated_only) OR CASE size(rl.since) WHEN 4 THEN rl.since + '-12-31' WHEN 7 THEN rl.since + '-31' ELSE rl.since END <= $as_of)
    AND (rl.until IS NULL OR CASE size(rl.until) WHEN 4 THEN rl.until + '-01-01' WHEN 7 THEN rl.until + '-01' ELSE rl.until END > $as_of))
WITH listed, relative, hops, rl WHERE rl IS NULL
OPTIONAL MATCH (relative)-[ol:LISTED_ON]->(other:List)
WHERE ($as_of IS NULL OR ((ol.since IS NULL AND NOT $dated_only) OR CASE size(ol.since) WHEN 4 THEN ol.since + '-12-31' WHEN 7 THEN ol.since + '-31' ELSE ol.since END <= $as_of)
    AND (ol.until IS NULL OR CASE size(ol.until) WHEN 4 THEN ol.until + '-01-01' WHEN 7 THEN ol.until + '-01' ELSE ol.until END > $as_of))
WITH listed, relative, hops, other ORDER BY other.id
RETURN listed.id AS listed, listed.name AS listed_name, relative.id AS relative, relative.name AS relative_name,
       hops, collect(other.id) AS other_lists
ORDER BY listed, hops, relative
