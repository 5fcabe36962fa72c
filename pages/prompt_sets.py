from playground.ui.prompt_sets_page import render

render()
