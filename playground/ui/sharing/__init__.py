"""Share and Export HTML controls, and the read-only snapshot view."""
