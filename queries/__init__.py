"""Named questions over the graph: trace, reach, dossier. Depend on graph only."""
