"""The shop assistant's real code: models, the Redis store, services, NLU components, tools."""
