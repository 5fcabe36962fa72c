"""Blind comparison ("arena"): rounds, votes, ratings and their export, in plain Python.

::

    round.py       BlindRound (the session's blind state), who a card is (Contestant),
                   shuffling and labels, drawing models from a pool, and
                   ``what_card_shows``: the one decision of what a card may draw
    votes.py       a vote (Outcome, VoteRecord) and the comparisons it makes
    vote_store.py  VoteStore: votes in the workspace database (SQLite / PostgreSQL),
                   and their Tally counted in SQL
    tally.py       Tally: votes grouped by the comparisons they make (the ratings' input)
    ratings.py     Bradley–Terry ratings (fitted with choix) on an Elo-like scale,
                   bootstrap intervals, wins/losses/ties, the pairwise win-rate matrix
    export.py      votes as JSONL preference pairs (prompt, chosen, rejected, models)

The actions (start a round, a new round, vote, withdraw) are in
``playground.session.evaluation.arena``; the UI only draws what ``what_card_shows`` allows.
"""
