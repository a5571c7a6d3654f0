"""Question (+ history) → retrieval → `Answer` with citations.

Public entry point: `assistant.service.Assistant` (build one with `get_assistant()`).
"""
