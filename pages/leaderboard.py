from playground.ui.arena.leaderboard import render

render()
