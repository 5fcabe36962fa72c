from playground.ui.history_page import render

render()
