"""The facts tables (migration step 6 of ``playground.store.schema``) and their backfill.

A workspace and a prompt-set cell keep their answers as JSON. So that the Models report
can count with SQL, each saved answer also gets one row of plain columns in
``playground_answer_facts`` (who answered, when, first token, tok/s, tokens, cost; for a
prompt-set answer whether every check passed), and each check of a prompt-set answer one
row in ``playground_check_facts``. ``playground_run_columns`` names the model of each
column of a run, written when the run starts, so a batch of cells is written without
reading its run's spec. Stores made before step 6 are backfilled from their JSON (``backfill.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# One row per saved answer. source: "chat" (a workspace's card) or "promptset" (a cell).
answer_facts = sa.Table(
    "playground_answer_facts",
    metadata,
    sa.Column("source", sa.String(16), primary_key=True),
    sa.Column("source_id", sa.String(64), primary_key=True),  # workspace or run id
    sa.Column("answer_key", sa.String(64), primary_key=True),  # message id, "row:col[:run]"
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # playground.reports.models.settings_label
    sa.Column("prompt_set", sa.Text, nullable=True),  # the run's title (prompt sets only)
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC: when first saved
    sa.Column("ok", sa.Boolean, nullable=False),  # an answer came (no error)
    sa.Column("ttft_s", sa.Float, nullable=True),
    sa.Column("tok_s", sa.Float, nullable=True),
    sa.Column("output_tokens", sa.Integer, nullable=True),
    sa.Column("cost_usd", sa.Float, nullable=True),
    sa.Column("cost_estimated", sa.Boolean, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=True),  # every check passed (None: no checks)
)

check_facts = sa.Table(
    "playground_check_facts",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("answer_key", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("prompt_set", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # contains, regex, json-schema, ...
    sa.Column("passed", sa.Boolean, nullable=False),
)

run_columns = sa.Table(
    "playground_run_columns",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("col", sa.Integer, primary_key=True),
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("prompt_set", sa.Text, nullable=False),
)

# The report counts per model and walks a model's figure in order for its percentiles.
_KEY = (answer_facts.c.endpoint, answer_facts.c.model, answer_facts.c.settings)
sa.Index("ix_playground_answer_facts_created", answer_facts.c.created_at)
sa.Index("ix_playground_answer_facts_ttft", *_KEY, answer_facts.c.ttft_s)
sa.Index("ix_playground_answer_facts_tok_s", *_KEY, answer_facts.c.tok_s)
sa.Index("ix_playground_check_facts_model", check_facts.c.endpoint, check_facts.c.model)
