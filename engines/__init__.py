"""Things the agent consults: model servers, the geometry engine, answer checking, Lean."""
