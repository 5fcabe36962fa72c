"""How a card reaches its server: the catalog of endpoints, model discovery,
targets, clients (the one place a token goes), URLs, egress rules, concurrency
gates, retries, what servers answer and how their errors read; Backend.AI
(``backendai/``) and the embedded llama.cpp models (``local_models/``).
"""
