"""The read-only web explorer, ``dualtrace serve``: search, entity pages, trace, reach,
path and saved queries in a browser, answered by the same functions as the command
line (app.py says what keeps it read-only and local; graphs.py how it sees imports)."""
