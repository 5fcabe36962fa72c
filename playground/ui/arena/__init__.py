"""Blind comparison and the Leaderboard page."""
