"""Chinese NLU helpers: text normalisation, rule-based entities and Rasa components."""
