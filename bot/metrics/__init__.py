"""The shop owner's numbers: conversation events published by the Rasa servers (broker), folded
into hourly counters exactly once (consumer), and read back for a period (report)."""
