"""bodycam_guard/adapters/db."""
