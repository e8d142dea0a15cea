"""The whole evaluation: a throwaway Redis with the demo shop and one buyer per session, the
assistant as `make run` starts it (clock fixed at the demo's `as_of`), every session replayed."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import List

from bot.bench_load.servers import BENCH_SECRET, Processes, start_project
from bot.bootstrap import shop_store
from bot.dialogue_eval.replay import add_eval_buyers, replay
from bot.dialogue_eval.scoring import ScoredTurn
from bot.dialogue_eval.sessions import load_sessions
from bot.handoff.delivery import rasa_api_token
from bot.loader import load_file
from bot.redis_server import RedisServer, free_port
from bot.settings import PROJECT_ROOT, Settings
from bot.store import connect

DEFAULT_SESSIONS = PROJECT_ROOT.parent / "shared" / "eval" / "real_sessions.jsonl"


def evaluate(sessions_file: Path, parallel: int = 4) -> List[ScoredTurn]:
    sessions = load_sessions(sessions_file)
    settings = Settings()
    processes = Processes()
    with tempfile.TemporaryDirectory(prefix="eval-dialogues-") as directory:
        redis = RedisServer(free_port(), Path(directory), persistent=False).start()
        try:
            store = shop_store(connect(redis.url), settings.shop_id)
            demo = load_file(settings.demo_data, store)
            add_eval_buyers(store, demo, sessions)
            assert demo.as_of is not None
            project = start_project(processes, redis.url, extra_env={"SHOP_FIXED_NOW": demo.as_of.isoformat()})
            return replay(sessions, project.rasa[0].url, rasa_api_token(BENCH_SECRET), parallel)
        finally:
            processes.stop()
            redis.stop()
