"""Sending: the dispatcher and its send-time checks (the care rules, decided again at the moment of sending)."""
