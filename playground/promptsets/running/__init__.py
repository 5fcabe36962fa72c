"""Running a prompt set: the runner, its rounds, the cells, their
writer thread, the ledger of what is still to run, and progress.
"""
