"""The Prompt sets page: input, grid, results, sweeps, saved runs."""
