"""Prompt templates, one plain-text file per role."""
