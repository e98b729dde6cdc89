"""bodycam_guard/adapters."""
