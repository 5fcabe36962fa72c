"""A card body follows its new text until the person scrolls up, and again once they
scroll back to the end.

Streamlit's own follow for fixed-height containers of chat messages ignores a wheel
turn while its scroll to the end is animating, which during a steady stream is nearly
always, so a person could not scroll up to read (Streamlit 1.67, ``static/js/index.*.js``:
the hook behind ``data-test-scroll-behavior``). The card bodies are drawn with
``autoscroll=False`` and this page-level ``st.components.v2`` component (trusted code of
ours, no data at all) follows them instead: a turn of the wheel up, a key, a touch or
a drag of the scrollbar lets go; reaching the end again takes hold.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function () {
  const near = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  const state = new WeakMap();  // body -> {stuck: bool}
  const watch = (el) => {
    if (state.has(el)) return state.get(el);
    const s = { stuck: true };
    state.set(el, s);
    const letGo = () => { s.stuck = false; };
    el.addEventListener("wheel", (e) => { if (e.deltaY < 0) s.stuck = false; }, { passive: true });
    el.addEventListener("touchmove", letGo, { passive: true });
    el.addEventListener("keydown", (e) => {
      if (["ArrowUp", "PageUp", "Home"].includes(e.key)) s.stuck = false;
    });
    el.addEventListener("pointerdown", (e) => {  // on the scrollbar: beyond the content box
      if (e.offsetX > el.clientWidth) s.stuck = false;
    });
    el.addEventListener("scroll", () => { if (near(el)) s.stuck = true; }, { passive: true });
    return s;
  };
  const follow = () => {
    for (const el of document.querySelectorAll('[class*="st-key-pghistory-"]')) {
      if (el.scrollHeight <= el.clientHeight) continue;
      const s = watch(el);
      if (s.stuck && el.scrollHeight - el.scrollTop - el.clientHeight > 1) {
        el.scrollTop = el.scrollHeight;
      }
    }
  };
  const timer = setInterval(follow, 100);
  follow();
  return () => clearInterval(timer);
}
"""
_COMPONENT = st.components.v2.component("playground.card_scroll", js=_JS)


def follow_card_bodies() -> None:
    """Mount the follower once per page run (it finds the card bodies itself)."""
    _COMPONENT(key="card_scroll")
