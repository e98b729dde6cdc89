"""bodycam_guard/domain."""
