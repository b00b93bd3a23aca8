// name: component_suppliers
// question: Which companies make components built into the technology delivered to a given end user?
// params:
//   agency: {type: entity, example: buyer:urumqi-ccc, doc: "the government end user (buyer:...)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have"}
// returns: [supplier, supplier_name, supplier_country, component, component_name, used_in, transfer]
// notes: >
//   Components are products linked by COMPONENT_OF (up to 5 levels) to an item
//   of a deal delivered to the end user. A component in a product is not proof
//   that the delivered unit contained it; the sources of each link say what
//   was reported.
// example:
//   params: {agency: 'buyer:urumqi-ccc'}
//   rows:
//   - {supplier: 'org:intel', supplier_name: Intel, supplier_country: US, component: 'product:intel-chips', component_name: Intel server chips, used_in: 'product:sugon-supercomputer', transfer: 'transfer:sugon-urumqi-ccc'}
//   - {supplier: 'org:nvidia', supplier_name: NVIDIA, supplier_country: US, component: 'product:nvidia-chips', component_name: NVIDIA chips (GPUs), used_in: 'product:sugon-supercomputer', transfer: 'transfer:sugon-urumqi-ccc'}
MATCH (agency {id: $agency})<-[d:DELIVERED_TO]-(t:Transfer)<-[i:ITEM_OF]-(item:Product)
WHERE d.status IN $statuses AND i.status IN $statuses
MATCH p = (component:Product)-[:COMPONENT_OF*1..5]->(item)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
MATCH (maker:Organization)-[m:MAKES]->(component)
WHERE m.status IN $statuses
RETURN DISTINCT maker.id AS supplier, maker.name AS supplier_name, maker.country AS supplier_country,
       component.id AS component, component.name AS component_name, item.id AS used_in, t.id AS transfer
ORDER BY supplier, component, used_in, transfer
