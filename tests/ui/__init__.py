"""Tests of playground/ui and pages/: the app's pages through Streamlit's AppTest."""
