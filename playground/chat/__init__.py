"""One answer's life: the request, its deltas as they arrive (chat completions or
the Responses API), the job that streams it in a thread, the running answers of the
process, its figures, reasoning, tool calls and the answers asked N times.
"""
