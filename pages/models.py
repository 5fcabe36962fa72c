from playground.ui.models_page import render

render()
