"""Every interaction's widget states are applied and its callbacks run whole.

Streamlit (1.67; ``runtime/scriptrunner/script_runner.py`` and
``runtime/state/safe_session_state.py``) checks for a newer rerun request at
every session-state access, and a run starts by applying its interaction's
widget states (``SafeSessionState.on_script_will_rerun``), which begins with
such a check. So when a second interaction arrives while the first one's run
is starting (a prompt sent to a second card a moment after the first, as
people do, and as every page of a busy team dashboard does), the first run is
cut before its widget states are applied, or in the middle of its callback
(also where a callback waits for a value another session is computing:
``caching/cache_utils.py: _hold_compute_lock`` checks the run's ``yield_check``;
the prompt was then in its card with no answer, ever), and its prompt is gone:
the new run carries only the new interaction's states
(``tests/ui/test_lost_prompts.py``; issue 14's lost prompts). Upstream tracks
this race class in streamlit/streamlit#16763 ("Session-owned rerun mailbox").

``install`` makes applying the states and running the callbacks one step that
no request interrupts: the newer request is taken at the check Streamlit makes
right after the callbacks, so its run follows at once, with its own states.
With ``runner.fastReruns = false`` (``.streamlit/config.toml``) a new
interaction is queued on the running runner, whose queue merges the submitted
chat inputs of both (``ScriptRequests._coalesce_widget_states``), instead of a
second runner starting over the first.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state.safe_session_state import SafeSessionState

_LOG = logging.getLogger(__name__)
_MARK = "_playground_whole"


def install() -> bool:
    """Patch ``SafeSessionState.on_script_will_rerun`` once; whether it is patched."""
    original = getattr(SafeSessionState, "on_script_will_rerun", None)
    if original is None or not hasattr(SafeSessionState, "__init__"):
        _LOG.warning("streamlit changed: interactions may be lost under load")
        return False
    if getattr(original, _MARK, False):
        return True
    SafeSessionState.on_script_will_rerun = _whole(original)  # type: ignore[method-assign]
    return True


def _whole(original: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(original)
    def on_script_will_rerun(self: SafeSessionState, *args: Any, **kwargs: Any) -> None:
        check = getattr(self, "_yield_callback", None)
        if check is None:  # another Streamlit: leave it as it is
            original(self, *args, **kwargs)
            return
        # The run's own check too: a callback waiting for a value another session
        # is computing (st.cache_resource's compute lock) looks at it meanwhile.
        ctx = get_script_run_ctx(suppress_warning=True)
        run_check = getattr(ctx, "yield_check", None)
        object.__setattr__(self, "_yield_callback", _no_check)
        if run_check is not None:
            ctx.yield_check = _no_check  # type: ignore[union-attr]
        try:
            original(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_yield_callback", check)
            if run_check is not None:
                ctx.yield_check = run_check  # type: ignore[union-attr]

    setattr(on_script_will_rerun, _MARK, True)
    return on_script_will_rerun


def _no_check() -> None:
    return None
