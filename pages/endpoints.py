from playground.ui.endpoints_page import render

render()
