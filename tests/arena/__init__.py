"""Tests of playground/arena: blind rounds, votes, ratings, the leaderboard."""
