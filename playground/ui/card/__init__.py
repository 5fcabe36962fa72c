"""One chat card: its fragment (``view``), header selectors, menus, settings,
messages, the live answer while it streams, Ask N tabs, attachments, the context
line and the controls under it.
"""
