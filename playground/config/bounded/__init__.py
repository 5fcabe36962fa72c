"""The bounded evaluator: what a visitor types, interpreted by a library, in workers with limits.

``Evaluator.call`` runs a module-level function in a worker process with a wall-clock
limit and a memory limit and returns ``Done(value)`` or a named ``Failed``; see
``playground.config.bounded.pool``. Limits are in ``playground.config.limits`` (``EVAL_*``).
``playground.config.bounded.schemas`` is the one JSON Schema validator (prompt-set checks,
tool parameters, response formats), run only through it.
"""

from playground.config.bounded.pool import (
    Done,
    Evaluator,
    Failed,
    Result,
    VerdictCache,
    default_evaluator,
)

__all__ = ["Done", "Evaluator", "Failed", "Result", "VerdictCache", "default_evaluator"]
