"""The graph: schema, model and stores. Knows nothing upstream."""
