"""bodycam_guard."""
