from playground.ui.workspaces.history_page import render

render()
