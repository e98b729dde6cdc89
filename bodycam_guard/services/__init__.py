"""bodycam_guard/services."""
