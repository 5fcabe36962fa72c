"""Tools, structured output and reasoning effort on a card (issue 28).

::

    calls.py       ToolCall (with its result), the streamed-call accumulator, the API shape
    mocks.py       ToolMock: a tool's canned result or table; mock_result (pure)
    settings.py    ToolSettings (tools as typed + tool choice), ResponseFormat, ReasoningEffort:
                   read, checked for shape, and turned into Chat Completions parameters
    calls.py       ToolCall and the accumulator of streamed call pieces; call_marks
    fit.py         whether a finished answer's calls fit their tools' parameters and its
                   text the response format (bounded evaluator, remembered by texts)

Each parameter's shape is noted beside the openai-python file it was taken from.
A tool's ``parameters`` and a response format's schema are checked as schemas only
in the bounded evaluator (``playground.config.bounded.schemas``), by the application layer
(``playground.session.tools``) when a person applies them.
"""
