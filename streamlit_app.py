"""Entry point: ``streamlit run streamlit_app.py``."""

import streamlit as st

from playground.ui import streamlit_races
from playground.ui.links import drop_secret_params

streamlit_races.install()  # before this run's first interaction: none is lost

st.set_page_config(page_title="LLM Playground", page_icon=":material/forum:", layout="wide")
page = st.navigation(
    [
        st.Page("pages/playground.py", title="Playground", icon=":material/forum:", default=True),
        st.Page("pages/prompt_sets.py", title="Prompt sets", icon=":material/checklist:"),
        st.Page("pages/history.py", title="History", icon=":material/history:"),
        st.Page("pages/endpoints.py", title="Endpoints", icon=":material/dns:"),
        st.Page("pages/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:"),
        st.Page("pages/models.py", title="Models", icon=":material/analytics:"),
    ]
)
if not drop_secret_params():  # an address with a token is cleaned first, then the page runs
    page.run()
