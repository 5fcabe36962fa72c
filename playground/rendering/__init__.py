"""Outside text drawn safely and faithfully: the safe Markdown policy, the
writer that puts a parsed tree back as escaped Markdown, the split into finished
blocks while streaming, and word diffs.
"""
