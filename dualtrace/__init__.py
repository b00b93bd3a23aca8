"""dualtrace: a knowledge graph of the surveillance-technology supply chain.

The import root maps the top-level folders: ``dualtrace.graph`` (graph/),
``dualtrace.ingest`` (ingest/), ``dualtrace.queries`` (queries/). The CLI and
renderers live here.
"""

__version__ = "0.1.0"
