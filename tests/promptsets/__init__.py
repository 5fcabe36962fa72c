"""Tests of playground/promptsets: parsing, checks, runs, sweeps, stores."""
