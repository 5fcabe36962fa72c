"""Entry point: ``streamlit run streamlit_app.py``.

``streamlit run`` reads this file, finds the ``st.App`` below and serves it: the
app's own route (``playground.chat.channel_route``: streaming answers' text, outside
page runs) beside Streamlit's. Imported as a module (by the server) this file only
builds that ``st.App``; run as the script (``__main__``, by the server for every
page run, or by AppTest) it draws the page.
"""

import streamlit as st

if __name__ != "__main__":  # imported by the server: the app and its routes
    import os

    from playground.chat.channel_route import channel_lifespan, channel_routes
    from playground.ui.card.live_channel import CHANNELS

    # PLAYGROUND_LIVE_CHANNEL=off: no route (as a host without this entry): cards redraw.
    served = os.environ.get("PLAYGROUND_LIVE_CHANNEL", "on") != "off"
    base = str(st.get_option("server.baseUrlPath") or "")
    app = st.App(
        "streamlit_app.py",
        routes=channel_routes(CHANNELS, base) if served else None,
        lifespan=channel_lifespan(CHANNELS) if served else None,
    )
else:  # a page run
    from playground.ui import streamlit_races
    from playground.ui.card.settings import forget_open_settings
    from playground.ui.workspaces.links import drop_secret_params

    streamlit_races.install()  # before this run's first interaction: none is lost

    st.set_page_config(page_title="LLM Playground", page_icon=":material/forum:", layout="wide")
    playground = st.Page(
        "pages/playground.py", title="Playground", icon=":material/forum:", default=True
    )
    page = st.navigation(
        [
            playground,
            st.Page("pages/prompt_sets.py", title="Prompt sets", icon=":material/checklist:"),
            st.Page("pages/history.py", title="History", icon=":material/history:"),
            st.Page("pages/endpoints.py", title="Endpoints", icon=":material/dns:"),
            st.Page("pages/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:"),
            st.Page("pages/models.py", title="Models", icon=":material/analytics:"),
        ]
    )
    if page.url_path != playground.url_path:  # left with a card's Settings open (Back)
        forget_open_settings()
    if not drop_secret_params():  # an address with a token is cleaned first, then the page runs
        page.run()
