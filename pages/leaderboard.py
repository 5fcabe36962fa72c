from playground.ui.leaderboard_page import render

render()
