"""Importers: readers and the curated starter dataset. Depends on graph only."""
