"""Prompt sets: many prompts on every card, with checks, a judge, saved cell by cell.

::

    parse.py      the set: CSV / JSONL / plain text, refused by size and count first
    template.py   "Prompt template": {{name}} placeholders (Jinja2, sandboxed, a safe subset)
    checks.py     a row's ``expected``: contains, regex, json-schema, max-ttft, ...
    judge.py      the judge prompt and reading its score and reason
    prepare.py    checking a set before anything is sent: rows, template, checks, judge
    records.py    RunSpec (columns, rows, judge), CellResult: what is stored and exported
    cells.py      cells from what came back: answer + checks, failure, score
    progress.py   RunServices (what a run needs) and Progress ("37 / 80 answers")
    runner.py     PromptSetRunner: background threads within each endpoint's limit
    registry.py   the process's live runs, so a reload finds its run again
    store.py      RunStore (tables of migration step 4) and the CellWriter thread
    summary.py    the results grid's rows and the per-card summary
    export.py     CSV and JSON of a run (never a token)

The actions (run, stop, resume, view, continue as chat) are in
``playground.session.evaluation.promptsets``; the page is ``playground.ui.prompt_sets.page``.
"""
