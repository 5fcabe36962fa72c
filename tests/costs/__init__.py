"""Tests of playground/costs: prices, token counts, context windows."""
