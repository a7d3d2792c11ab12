"""Lemmata's orchestration: the LangGraph loops, roles, budgets, CLI and evaluation."""

__version__ = "0.1.0"
