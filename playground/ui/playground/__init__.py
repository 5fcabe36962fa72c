"""The Playground page: the page, Compare, focus, cost totals, and the
sidebar's export and import.
"""
