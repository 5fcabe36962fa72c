from playground.ui.prompt_sets.page import render

render()
