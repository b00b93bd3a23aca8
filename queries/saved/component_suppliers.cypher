// name: component_suppliers
// question: Which companies make components built into the technology delivered to a given end user?
// params:
//   agency: {type: entity, example: buyer:urumqi-ccc, doc: "the government end user (buyer:...)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have"}
// returns: [supplier, supplier_name, supplier_country, component, component_name, used_in, transfer, sources]
// notes: >
//   Components are products linked by COMPONENT_OF (up to 5 levels) to an item
//   of a deal delivered to the end user. A component in a product is not proof
//   that the delivered unit contained it; the sources of each link say what
//   was reported. sources: those of the maker's link to the component, the
//   item's link to the deal and the deal's delivery, sorted.
// example:
//   params: {agency: 'buyer:urumqi-ccc'}
//   rows:
//   - supplier: org:intel
//     supplier_name: Intel
//     supplier_country: US
//     component: product:intel-chips
//     component_name: Intel server chips
//     used_in: product:sugon-supercomputer
//     transfer: transfer:sugon-urumqi-ccc
//     sources: ['source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
//   - supplier: org:nvidia
//     supplier_name: NVIDIA
//     supplier_country: US
//     component: product:nvidia-chips
//     component_name: NVIDIA chips (GPUs)
//     used_in: product:sugon-supercomputer
//     transfer: transfer:sugon-urumqi-ccc
//     sources: ['source:chinaproject-hikvision-2023', 'source:nyt-intel-nvidia-2020', 'source:stealthwar-sugon-2020']
MATCH (agency {id: $agency})<-[d:DELIVERED_TO]-(t:Transfer)<-[i:ITEM_OF]-(item:Product)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of)) AND i.status IN $statuses
  AND ($as_of IS NULL OR ((i.since IS NULL AND NOT $dated_only) OR CASE size(i.since) WHEN 4 THEN i.since + '-12-31' WHEN 7 THEN i.since + '-31' ELSE i.since END <= $as_of)
    AND (i.until IS NULL OR CASE size(i.until) WHEN 4 THEN i.until + '-01-01' WHEN 7 THEN i.until + '-01' ELSE i.until END > $as_of))
MATCH p = (component:Product)-[:COMPONENT_OF*1..5]->(item)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
MATCH (maker:Organization)-[m:MAKES]->(component)
WHERE m.status IN $statuses
  AND ($as_of IS NULL OR ((m.since IS NULL AND NOT $dated_only) OR CASE size(m.since) WHEN 4 THEN m.since + '-12-31' WHEN 7 THEN m.since + '-31' ELSE m.since END <= $as_of)
    AND (m.until IS NULL OR CASE size(m.until) WHEN 4 THEN m.until + '-01-01' WHEN 7 THEN m.until + '-01' ELSE m.until END > $as_of))
WITH DISTINCT maker, component, item, t, m.sources + i.sources + d.sources AS found
UNWIND found AS source
WITH maker, component, item, t, source ORDER BY source
WITH maker, component, item, t, collect(DISTINCT source) AS sources
RETURN maker.id AS supplier, maker.name AS supplier_name, maker.country AS supplier_country,
       component.id AS component, component.name AS component_name, item.id AS used_in, t.id AS transfer, sources
ORDER BY supplier, component, used_in, transfer
