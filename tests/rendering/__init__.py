"""Tests of playground/rendering: the safe Markdown policy, the writer, blocks, diffs."""
