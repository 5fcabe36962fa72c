"""Tests of playground/store: saved workspaces on SQLite and PostgreSQL."""
