"""Pure business rules: each takes typed models and returns a typed outcome; none builds text."""
