"""The Models report: one row per model as a person chose it, from everything saved.

::

    settings.py   the label of a card's settings that differ from the defaults
    tables.py     the facts tables (migration step 6) and their backfill
    facts.py      one fact per saved answer / check, written with a workspace or a cell
    queries.py    the figures per model, aggregated in SQL (SQLite and PostgreSQL)
    report.py     figures + Bradley–Terry ratings + pass rates, quality, the Pareto front
    shown.py      the rows and filters as the page shows them (and a shared snapshot freezes)
    chart.py      the Altair charts drawn from those rows (loads pandas: imported on use)

The page is ``playground.ui.models_page``.
"""
