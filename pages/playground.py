from playground.ui.playground.page import render

render()
