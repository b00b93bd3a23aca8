// name: trace_technology
// question: Which end users does a vendor's or a product's technology reach, and through which deals?
// params:
//   entity: {type: entity, example: org:cloudwalk, doc: "the vendor (org:...) or product (product:...) to trace from"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have; add denied to see contested links"}
// returns: [end_user, end_user_name, country, transfer, transfer_name, year, status, sources]
// notes: >
//   Follows supply links downstream (makes, supplies, brokers, is an item or a
//   component of, is delivered to) for up to 12 hops, through integrators that
//   receive a deal and supply another. One row per deal reaching a government
//   end user; status and sources are those of the delivery link.
MATCH (start {id: $entity})
MATCH p = (start)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO*1..12]->(t:Transfer)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
WITH DISTINCT t
MATCH (t)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses
RETURN b.id AS end_user, b.name AS end_user_name, b.country AS country,
       t.id AS transfer, t.name AS transfer_name, t.year AS year,
       d.status AS status, d.sources AS sources
ORDER BY country, end_user, transfer
