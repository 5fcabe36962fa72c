"""What leaves the playground as a read-only result: the Models report
(``models/``) and shared snapshots and their HTML export (``sharing/``).
"""
