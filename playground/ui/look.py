"""The page's few style rules (a constant: no outside text is ever put in here).

"x" (remove card) and Copy are popovers only because they hold a confirmation or
a code box; Streamlit draws every popover with a menu chevron, which makes them
read as menus. The chevron is hidden on those two, and on More, whose icon says
what it is (it also keeps a card's header on one line at four cards per row).
Settings is a button that opens a dialog: no chevron.
"""

from __future__ import annotations

import streamlit as st

_CHEVRON = '[data-testid="stPopoverButton"] > div > div[aria-hidden="true"]'
_OWNERS = ('[class*="st-key-card-"][class*="-x "]', '[class*="-copy-"]')
_MENUS = ('[class*="st-key-card-"][class*="-more "]',)
STYLE = (
    "<style>"
    + ", ".join(f"{owner} {_CHEVRON}" for owner in (*_OWNERS, *_MENUS))
    + " { display: none; }</style>"
)


def style() -> None:
    st.html(STYLE)
