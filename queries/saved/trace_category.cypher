// name: trace_category
// question: Which end users do the products of one category (facial recognition, IMSI catchers, ...) reach?
// params:
//   category: {type: category, example: facial_recognition, doc: "a product category from the schema (dualtrace categories)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have"}
// returns: [product, product_name, end_user, end_user_name, country, transfer, year, status, sources]
// notes: >
//   The walk of trace_technology, started from every product of the category.
//   One row per product and deal reaching a government end user.
MATCH (start:Product {category: $category})
MATCH p = (start)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO*1..12]->(t:Transfer)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses)
WITH DISTINCT start, t
MATCH (t)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses
RETURN start.id AS product, start.name AS product_name,
       b.id AS end_user, b.name AS end_user_name, b.country AS country,
       t.id AS transfer, t.year AS year, d.status AS status, d.sources AS sources
ORDER BY product, country, end_user, transfer
