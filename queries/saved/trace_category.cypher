// name: trace_category
// question: Which end users do the products of one category (facial recognition, IMSI catchers, ...) reach?
// params:
//   category: {type: category, example: facial_recognition, doc: "a product category from the schema (dualtrace categories)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses every hop may have"}
// returns: [product, product_name, end_user, end_user_name, country, transfer, year, status, sources]
// notes: >
//   The walk of trace_technology, started from every product of the category.
//   One row per product and deal reaching a government end user.
// example:
//   params: {category: dna_sequencer}
//   rows:
//   - product: product:agcu-dna
//     product_name: AGCU forensic DNA products
//     end_user: buyer:cn-mps
//     end_user_name: Ministry of Public Security of the People's Republic of China
//     country: CN
//     transfer: transfer:agcu-cn-mps-dna
//     year: null
//     status: reported
//     sources: ['source:aspi-genomic-2020']
//   - product: product:microread-dna
//     product_name: Microread Genetics forensic DNA products
//     end_user: buyer:cn-mps
//     end_user_name: Ministry of Public Security of the People's Republic of China
//     country: CN
//     transfer: transfer:microread-cn-mps-dna
//     year: null
//     status: reported
//     sources: ['source:aspi-genomic-2020']
//   - product: product:promega-dna
//     product_name: Promega DNA equipment
//     end_user: buyer:xuar-psb
//     end_user_name: Xinjiang Uighur Autonomous Region People's Government Public Security Bureau
//     country: CN
//     transfer: transfer:promega-xuar-resale
//     year: null
//     status: reported
//     sources: ['source:nyt-dna-resale-2021']
//   - product: product:thermo-kits
//     product_name: Thermo Fisher DNA profiling kits and sequencer parts
//     end_user: buyer:cn-mps
//     end_user_name: Ministry of Public Security of the People's Republic of China
//     country: CN
//     transfer: transfer:thermo-cn-mps-dna
//     year: null
//     status: reported
//     sources: ['source:aspi-genomic-2020', 'source:nyt-dna-2020']
//   - product: product:thermo-kits
//     product_name: Thermo Fisher DNA profiling kits and sequencer parts
//     end_user: buyer:tibet-police
//     end_user_name: Tibet Autonomous Region police
//     country: CN
//     transfer: transfer:thermo-tibet-2022
//     year: 2022
//     status: reported
//     sources: ['source:intercept-tibet-2022']
//   - product: product:thermo-sequencers
//     product_name: Thermo Fisher (Applied Biosystems) DNA sequencers
//     end_user: buyer:xuar-psb
//     end_user_name: Xinjiang Uighur Autonomous Region People's Government Public Security Bureau
//     country: CN
//     transfer: transfer:thermo-xuar
//     year: null
//     status: reported
//     sources: ['source:wsj-thermo-2019', 'source:fierce-thermo-2019']
//   - product: product:thermo-sequencers
//     product_name: Thermo Fisher (Applied Biosystems) DNA sequencers
//     end_user: buyer:xuar-psb
//     end_user_name: Xinjiang Uighur Autonomous Region People's Government Public Security Bureau
//     country: CN
//     transfer: transfer:thermo-xuar-resale
//     year: null
//     status: reported
//     sources: ['source:nyt-dna-resale-2021']
MATCH (start:Product {category: $category})
MATCH p = (start)-[:MAKES|SUPPLIER_OF|INTERMEDIARY_OF|ITEM_OF|COMPONENT_OF|DELIVERED_TO*1..12]->(t:Transfer)
WHERE all(r IN relationships(p) WHERE r.status IN $statuses
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of)))
WITH DISTINCT start, t
MATCH (t)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE d.status IN $statuses
  AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
    AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
RETURN start.id AS product, start.name AS product_name,
       b.id AS end_user, b.name AS end_user_name, b.country AS country,
       t.id AS transfer, t.year AS year, d.status AS status, d.sources AS sources
ORDER BY product, country, end_user, transfer
