"""The trainer's tests that need the trained model use the integration tier's stored conversations."""

from tests.integration.trainer.conftest import save_conversation

__all__ = ["save_conversation"]
