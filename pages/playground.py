from playground.ui.playground_page import render

render()
