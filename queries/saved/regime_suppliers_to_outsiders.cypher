// name: regime_suppliers_to_outsiders
// question: Which companies based in Wassenaar Arrangement states supply end users in states outside it?
// params:
//   regime: {type: entity, default: regime:wassenaar, doc: "the export-control regime whose participating states count as inside"}
//   statuses: {type: list, default: [reported, confirmed], doc: "statuses of the supply and delivery links"}
//   limit: {type: integer, default: 100, doc: "at most this many rows (the first in the order shown)"}
// returns: [vendor, vendor_name, vendor_country, role, transfer, year, end_user, end_user_name, end_user_country, supply_sources, delivery_sources]
// notes: >
//   A company's state is its headquarters country. Participating states are
//   those linked to the regime by PARTICIPATES_IN. Membership does not make a
//   sale unlawful; it says which export-control commitments applied.
// example:
//   params: {}
//   count: 61
//   first:
//   - vendor: org:amesys
//     vendor_name: Amesys
//     vendor_country: FR
//     role: SUPPLIER_OF
//     transfer: transfer:amesys-ly-eagle-2007
//     year: 2007
//     end_user: buyer:ly-intelligence
//     end_user_name: Libyan intelligence services (Gaddafi government)
//     end_user_country: LY
//     supply_sources: ['source:natoassoc-libya', 'source:wsj-libya-amesys-2011']
//     delivery_sources: ['source:natoassoc-libya', 'source:wsj-libya-amesys-2011']
//   - vendor: org:area-spa
//     vendor_name: Area SpA
//     vendor_country: IT
//     role: SUPPLIER_OF
//     transfer: transfer:area-sy-monitoring-2011
//     year: null
//     end_user: buyer:sy-government
//     end_user_name: Government of Syria under Assad (end user not named)
//     end_user_country: SY
//     supply_sources: ['source:bloomberg-area-syria-2011', 'source:bloomberg-area-exit-2011']
//     delivery_sources: ['source:bloomberg-area-syria-2011', 'source:bloomberg-area-exit-2011']
//   - vendor: org:axis
//     vendor_name: Axis Communications
//     vendor_country: SE
//     role: SUPPLIER_OF
//     transfer: transfer:axis-guilin
//     year: null
//     end_user: buyer:guilin-skynet
//     end_user_name: Guilin public security (Skynet Upgrading and Reconstruction Project)
//     end_user_country: CN
//     supply_sources: ['source:bnreport-amnesty-2020', 'source:amnesty-eu-2020']
//     delivery_sources: ['source:bnreport-amnesty-2020', 'source:amnesty-eu-2020']
MATCH (c:Country)-[m:PARTICIPATES_IN]->(:Regime {id: $regime})
WHERE ($as_of IS NULL OR ((m.since IS NULL AND NOT $dated_only) OR CASE size(m.since) WHEN 4 THEN m.since + '-12-31' WHEN 7 THEN m.since + '-31' ELSE m.since END <= $as_of)
    AND (m.until IS NULL OR CASE size(m.until) WHEN 4 THEN m.until + '-01-01' WHEN 7 THEN m.until + '-01' ELSE m.until END > $as_of))
WITH collect(c.iso2) AS members
MATCH (o:Organization)-[s:SUPPLIER_OF|INTERMEDIARY_OF]->(t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer)
WHERE o.country IN members AND NOT b.country IN members
  AND s.status IN $statuses
    AND ($as_of IS NULL OR ((s.since IS NULL AND NOT $dated_only) OR CASE size(s.since) WHEN 4 THEN s.since + '-12-31' WHEN 7 THEN s.since + '-31' ELSE s.since END <= $as_of)
      AND (s.until IS NULL OR CASE size(s.until) WHEN 4 THEN s.until + '-01-01' WHEN 7 THEN s.until + '-01' ELSE s.until END > $as_of)) AND d.status IN $statuses
    AND ($as_of IS NULL OR ((d.since IS NULL AND NOT $dated_only) OR CASE size(d.since) WHEN 4 THEN d.since + '-12-31' WHEN 7 THEN d.since + '-31' ELSE d.since END <= $as_of)
      AND (d.until IS NULL OR CASE size(d.until) WHEN 4 THEN d.until + '-01-01' WHEN 7 THEN d.until + '-01' ELSE d.until END > $as_of))
RETURN o.id AS vendor, o.name AS vendor_name, o.country AS vendor_country, type(s) AS role,
       t.id AS transfer, t.year AS year, b.id AS end_user, b.name AS end_user_name, b.country AS end_user_country,
       s.sources AS supply_sources, d.sources AS delivery_sources
ORDER BY vendor, transfer, end_user, role
LIMIT $limit
