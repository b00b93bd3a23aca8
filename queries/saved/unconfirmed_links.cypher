// name: unconfirmed_links
// question: Which links are only reported, not confirmed by an official record or the party, and how many sources back each?
// params:
//   rels: {type: list, default: [MAKES, SUPPLIER_OF, INTERMEDIARY_OF, ITEM_OF, COMPONENT_OF, DELIVERED_TO, SUBSIDIARY_OF, OWNER_OF, DIRECTOR_OF, PARTNER_OF, LISTED_ON], doc: "relationship kinds to check"}
// returns: [rel, from_id, from_name, to_id, to_name, source_count, sources, note]
// notes: The weakest first (fewest sources), so a fact-checker starts where it matters most.
MATCH (a)-[r]->(b)
WHERE type(r) IN $rels AND r.status = 'reported'
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       size(r.sources) AS source_count, r.sources AS sources, r.note AS note
ORDER BY source_count, rel, from_id, to_id
