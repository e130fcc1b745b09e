"""The reports app's pages, one module per family: ``measures`` (the ten measures, targets
and hand-entered figures), ``rounds`` (reporting rounds and the reports' workflow) and
``documents`` (Word, PDF and Excel downloads and the province's compilation)."""
