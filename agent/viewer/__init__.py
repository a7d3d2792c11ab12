"""`lemmata view`: a local, read-only web viewer over the run store (server-rendered HTML)."""
