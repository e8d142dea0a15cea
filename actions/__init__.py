"""rasa-sdk entry point: one module per capability; each action reads slots, calls bot/, utters."""
