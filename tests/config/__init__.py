"""Tests of playground/config: the config file, limits, the bounded evaluator."""
