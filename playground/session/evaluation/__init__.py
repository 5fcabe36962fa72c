"""Blind rounds and votes, and prompt-set runs: the application
layer's actions for comparing models.
"""
