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
//   rows:
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
//   - listed: org:hikvision
//     listed_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relative: org:anhui-sun-create
//     relative_name: Anhui Sun Create Electronics Co., Ltd.
//     hops: 2
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:hikvision
//     listed_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relative: org:glarun
//     relative_name: GLARUN Technology Co., Ltd.
//     hops: 2
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:hikvision
//     listed_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relative: org:phoenix-optics
//     relative_name: Phoenix Optics Company Limited
//     hops: 2
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:hikvision
//     listed_name: Hangzhou Hikvision Digital Technology Co., Ltd.
//     relative: org:taiji
//     relative_name: Taiji Computer Co., Ltd.
//     hops: 2
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:huawei
//     listed_name: Huawei Technologies Co., Ltd.
//     relative: org:huawei-holding
//     relative_name: Huawei Investment & Holding Co., Ltd.
//     hops: 1
//     other_lists: ['list:us-dod-1260h']
//   - listed: org:sandvine
//     listed_name: Sandvine Inc.
//     relative: org:francisco-partners
//     relative_name: Francisco Partners
//     hops: 1
//     other_lists: []
MATCH (listed:Organization)-[:LISTED_ON]->(x:List {id: $on_list})
MATCH p = (listed)-[:SUBSIDIARY_OF*1..5]-(relative:Organization)
WHERE relative <> listed AND NOT (relative)-[:LISTED_ON]->(x)
  AND all(r IN relationships(p) WHERE r.status IN $statuses)
WITH listed, relative, min(length(p)) AS hops
OPTIONAL MATCH (relative)-[:LISTED_ON]->(other:List)
WITH listed, relative, hops, other ORDER BY other.id
RETURN listed.id AS listed, listed.name AS listed_name, relative.id AS relative, relative.name AS relative_name,
       hops, collect(other.id) AS other_lists
ORDER BY listed, hops, relative
