"""What a request and an answer cost: prices, dollar figures, token counts
(OpenAI's own tokenizer, else an estimate) and the context window.
"""
