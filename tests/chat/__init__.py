"""Tests of playground/chat: deltas, answer shapes, streaming jobs, tools, runs."""
