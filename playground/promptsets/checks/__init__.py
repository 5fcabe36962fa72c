"""A prompt-set answer's checks: the deterministic checks, the
tool-call checks and the judge.
"""
