"""What the operator sets and every bound: the TOML file's schema and sections,
the limits on what a visitor may send, and ``bounded/``, the evaluator that runs
what a library interprets for a visitor (regex, JSON Schema, template) in bounded
workers.
"""
