"""The Responses API: the request, its events and the stream of deltas."""
