"""Buyers' photos: checked (checks.py), kept under the conversation (records.py), shown to agents."""
