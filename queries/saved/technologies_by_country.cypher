// name: technologies_by_country
// question: Which categories of technology reached end users in each country, in how many deals?
// params:
//   country: {type: country, default: null, example: CN, doc: "only this country (default: every country)"}
//   statuses: {type: list, default: [reported, confirmed], doc: "link statuses to include"}
// returns: [country, category, transfers, end_users]
// example:
//   params: {country: EC}
//   rows:
//   - {country: EC, category: safe_city_platform, transfers: 1, end_users: 1}
//   - {country: EC, category: telecom_equipment, transfers: 1, end_users: 1}
MATCH (p:Product)-[i:ITEM_OF]->(t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE i.status IN $statuses AND d.status IN $statuses
  AND ($country IS NULL OR b.country = $country)
RETURN b.country AS country, p.category AS category,
       count(DISTINCT t) AS transfers, count(DISTINCT b) AS end_users
ORDER BY country, category
