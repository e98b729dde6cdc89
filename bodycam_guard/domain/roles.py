"""Who may use bodycam-guard, and as what."""

ROLES = ("station", "supervisor", "auditor", "admin")
"""Upload stations upload; supervisors review their unit; auditors read and verify; admins manage."""
