// name: denied_claims
// question: Which reported links has a party denied, and who reported them?
// params:
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [rel, from_id, from_name, to_id, to_name, note, sources]
// notes: Denied links are kept, never dropped, so a denial and what it answers stay side by side.
// example:
//   params: {}
//   count: 62
//   first:
//   - rel: INTERMEDIARY_OF
//     from_id: org:comercializadora-antsua
//     from_name: Comercializadora Antsua, S.A. de C.V.
//     to_id: transfer:nso-mx-sedena-2019
//     to_name: SEDENA 'remote information monitoring' contract with NSO's Mexican representative
//     note: SEDENA paid NSO's exclusive Mexican representative under contract DN-10 SAIT-1075/P/2019 for 'remote information monitoring'; R3D says it is not yet shown whether this was Pegasus. SEDENA said it contracted the software only in 2011-2013.
//     sources: ['source:r3d-sedena-antsua-2022', 'source:etcetera-sedena-antsua-2022']
//   - rel: SUPPLIER_OF
//     from_id: org:hacking-team
//     from_name: Hacking Team
//     to_id: transfer:hacking-team-ec-senain-2013
//     to_name: Hacking Team RCS for Ecuador's SENAIN
//     note: Leaked documents; SENAIN and President Correa denied any contract with Hacking Team.
//     sources: ['source:lanacion-ec-senain-2015', 'source:apc-hackingteam-ecuador-2015', 'source:ecuavisa-senain-2015']
//   - rel: SUPPLIER_OF
//     from_id: org:hacking-team
//     from_name: Hacking Team
//     to_id: transfer:hacking-team-et-insa
//     to_name: Hacking Team RCS for Ethiopia's INSA
//     note: Leaked emails treat INSA as a client and show its licence briefly suspended after Citizen Lab exposed attacks on ESAT journalists. Ethiopia's spokesperson had denied using the product.
//     sources: ['source:intercept-hackingteam-ethiopia-2015', 'source:hornaffairs-hackingteam-insa-2015']
MATCH (a)-[r]->(b)
WHERE r.status = 'denied'
  AND ($as_of IS NULL OR ((r.since IS NULL AND NOT $dated_only) OR CASE size(r.since) WHEN 4 THEN r.since + '-12-31' WHEN 7 THEN r.since + '-31' ELSE r.since END <= $as_of)
    AND (r.until IS NULL OR CASE size(r.until) WHEN 4 THEN r.until + '-01-01' WHEN 7 THEN r.until + '-01' ELSE r.until END > $as_of))
RETURN type(r) AS rel, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       r.note AS note, r.sources AS sources
ORDER BY from_id, rel, to_id
LIMIT $limit
