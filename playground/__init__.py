"""LLM Playground: compare OpenAI-compatible chat models side by side.

Layering: everything in this package except ``playground.ui`` is plain Python
that never imports streamlit; ``playground.ui`` is the only place that does.
"""
