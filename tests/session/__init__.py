"""Tests of playground/session: every action a person can take, in plain pytest."""
