"""Tests of playground/workspace: types, attachments, export and import, links."""
