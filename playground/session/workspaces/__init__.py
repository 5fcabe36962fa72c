"""Saving as you go, opening, history, importing, links and
shares: the application layer's actions on whole workspaces.
"""
