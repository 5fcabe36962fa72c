"""A page object for the Playground page, driven the way a person would."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class PlaygroundPage:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    def open(self) -> PlaygroundPage:
        self.page.goto(self.url)
        expect(self.cards()).to_have_count(2, timeout=60_000)
        return self

    # -- finding things ------------------------------------------------
    def cards(self) -> Locator:
        return self.page.locator('[class*="st-key-pgcard-"]')

    def card_ids(self) -> list[str]:
        classes: list[str] = self.cards().evaluate_all(
            "els => els.map(e => [...e.classList].find(c => c.startsWith('st-key-pgcard-')))"
        )
        return [c.removeprefix("st-key-pgcard-") for c in classes]

    def widget(self, card_id: str, name: str) -> Locator:
        return self.page.locator(f'.st-key-card-{card_id}-{name}:not([data-stale="true"])')

    def history(self, card_id: str) -> Locator:
        return self.page.locator(f".st-key-pghistory-{card_id}")

    def bubbles(self, card_id: str) -> Locator:
        return self.history(card_id).locator('[data-testid="stChatMessage"]')

    # -- doing things --------------------------------------------------
    def add_card(self) -> None:
        self.page.locator('.st-key-add_card:not([data-stale="true"]) button:visible').click()

    def remove_card(self, card_id: str) -> None:
        self.widget(card_id, "x").locator("button:visible").first.click()
        expect(self.page.get_by_text("Everything entered in it will be deleted")).to_be_visible()
        self.widget(card_id, "remove").locator("button:visible").click()

    def delete_history(self, card_id: str) -> None:
        self.widget(card_id, "more").locator("button:visible").first.click()
        self.widget(card_id, "clear").locator("button:visible").click()
        expect(self.bubbles(card_id)).to_have_count(0, timeout=15_000)
        self.page.keyboard.press("Escape")  # then close the More menu, as a person would

    def set_sync(self, on: bool) -> None:
        toggle = self.page.locator('.st-key-sync_input_toggle:not([data-stale="true"]) input')
        if toggle.is_checked() != on:
            self.page.get_by_text("Sync Input").click()
        expect(toggle).to_be_checked(checked=on)
        # Wait for the page run the toggle started to draw its inputs: a selector
        # used while that run still redraws the card can lose what was typed in it.
        if on:
            expect(self.page.get_by_placeholder("Send to every card")).to_be_visible()
        else:
            expect(self.page.get_by_placeholder("Send to every card")).to_have_count(0)
            for card_id in self.card_ids():
                expect(self.widget(card_id, "input")).to_be_visible()

    def stop_all(self) -> None:
        self.page.locator('.st-key-stop_all:not([data-stale="true"]) button:visible').click()

    def send_synced(self, prompt: str) -> None:
        box = self.page.get_by_placeholder("Send to every card")
        expect(box).to_be_enabled()
        box.fill(prompt)
        box.press("Enter")

    def send_to_card(self, card_id: str, prompt: str) -> None:
        box = self.widget(card_id, "input").locator("textarea")
        expect(box).to_be_enabled()
        box.fill(prompt)
        box.press("Enter")

    def choose(self, card_id: str, name: str, option: str) -> None:
        """Pick ``option`` by typing it, as a keyboard user would; the choice must stay."""
        box = self.widget(card_id, name).get_by_role("combobox")
        box.click()
        box.fill(option)  # the selector is searchable: typing filters it
        expect(self.page.get_by_role("option", name=option, exact=True)).to_be_visible()
        box.press("Enter")  # picks the highlighted match
        expect(box).to_have_value(option)

    def type_into(self, card_id: str, name: str, text: str) -> None:
        field = self.widget(card_id, name).locator("input")
        field.fill(text)
        field.press("Enter")

    def texts(self, card_ids: list[str]) -> list[str]:
        return [self.history(cid).inner_text() for cid in card_ids]

    # -- comparison tools (issue 6) ------------------------------------
    def open_query(self, query: str, cards: int) -> PlaygroundPage:
        """Open the page with a query string (a deep link); wait for ``cards`` cards."""
        self.page.goto(f"{self.url}/?{query}")
        expect(self.cards()).to_have_count(cards, timeout=60_000)
        return self

    def copy_button(self, card_id: str, message_id: str) -> Locator:
        return self.page.locator(
            f'.st-key-{card_id}-copy-{message_id}:not([data-stale="true"]) button:visible'
        )

    def button(self, card_id: str, name: str) -> Locator:
        return self.widget(card_id, name).locator("button:visible").first

    def model_box(self, card_id: str) -> Locator:
        return self.widget(card_id, "model").get_by_role("combobox")

    def open_menu(self, card_id: str, menu: str, inside: str) -> None:
        """Open a card's menu (``more``, ``x``: popovers; ``settings``: a button that opens
        a dialog) and wait for ``inside``.

        A popover stays open after a button in it is used (the run that button
        starts redraws it open), and its own button toggles it: clicking that
        button again would close the menu. A person sees the menu open and does
        not, and neither does this.
        """
        # A tooltip left by the last click (the mouse still rests where a menu
        # item was) would take this click: move away first, as a person does.
        self.page.mouse.move(0, 0)
        button = self.button(card_id, menu)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        expect(self.widget(card_id, inside)).to_be_visible()

    def more(self, card_id: str, action: str) -> None:
        """More menu -> ``action`` (the widget name: clone, compare, clear, ...)."""
        self.open_menu(card_id, "more", action)
        self.button(card_id, action).click()
        # As a person would, move the pointer off the menu: its button's tooltip
        # would otherwise stay over the cards next to it.
        self.page.mouse.move(1, 1)

    def answer_ids(self, card_id: str) -> list[str]:
        """Message ids of the card's finished answers, from their Copy buttons' keys.

        (The copy popover's key is ``<card id>-copy-<message id>``, without "card-".)
        """
        prefix = f"st-key-{card_id}-copy-"
        classes: list[str] = (
            self.history(card_id)
            .locator(f'[class*="{prefix}"]:not([data-stale="true"])')
            .evaluate_all(
                f"els => els.map(e => [...e.classList].find(c => c.startsWith('{prefix}')))"
            )
        )
        return [c.removeprefix(prefix) for c in classes]

    def sidebar(self) -> Locator:
        return self.page.locator('[data-testid="stSidebar"]')


class RunWatcher:
    """Records how each script run the page sees ends (full page or one fragment)."""

    def __init__(self, page: Page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self.finished: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        msg = self._msg.FromString(payload)
        if msg.WhichOneof("type") == "script_finished":
            self.finished.append(self._msg.ScriptFinishedStatus.Name(msg.script_finished))

    def full_runs(self) -> int:
        return self.finished.count("FINISHED_SUCCESSFULLY")

    def fragment_runs(self) -> int:
        return self.finished.count("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
