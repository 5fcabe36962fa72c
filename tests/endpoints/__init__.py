"""Tests of playground/endpoints: catalog, discovery, clients, egress,
retries, concurrency, server answers; Backend.AI and the embedded models."""
