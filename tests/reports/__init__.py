"""Tests of playground/reports: the Models report and shared snapshots."""
