// name: denied_claims
// question: Which reported links has a party denied, and who reported them?
// params: {}
// returns: [rel, from_id, from_name, to_id, to_name, note, sources]
// notes: Denied links are kept, never dropped, so a denial and what it answers stay side by side.
MATCH (a)-[r]->(b)
WHERE r.status = 'denied'
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       r.note AS note, r.sources AS sources
ORDER BY from_id, rel, to_id
