"""A buyer's photo is served to logged-in agents only; an unknown or expired one is a 404."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime, timezone

from bot.models import ShopData
from bot.photos.intake import take_photos
from bot.store import ShopStore
from tests.integration.console.test_app import SessionSigner, running

PNG = b"\x89PNG\r\n\x1a\n" + b"\x07" * 40


def test_only_a_logged_in_agent_gets_the_photo(store: ShopStore, demo: ShopData) -> None:
    metadata = {"attachments": ["data:image/png;base64," + base64.b64encode(PNG).decode()]}
    assert take_photos(store, "buyer_xiaomei", metadata, datetime.now(timezone.utc)) is None
    path = f"/api/conversations/buyer_xiaomei/photos/{metadata['photo_ids'][0]}"

    async def scenario() -> None:
        async with running(store) as (client, _):
            anonymous = await client()
            refused = await anonymous.get(path, allow_redirects=False)
            assert refused.status == 401 and await refused.read() != PNG
            forged = await client()
            forged.session.cookie_jar.update_cookies({"console_session": SessionSigner("guessed").issue("alice", 0)})
            assert (await forged.get(path)).status == 401
            agent = await client("alice")
            served = await agent.get(path)
            assert served.status == 200 and served.content_type == "image/png"
            assert await served.read() == PNG
            assert "no-store" in served.headers["Cache-Control"]
            assert (await agent.get("/api/conversations/buyer_xiaomei/photos/nope")).status == 404
            # Under another conversation the same id is nothing.
            assert (await agent.get(path.replace("buyer_xiaomei", "buyer_other"))).status == 404

    asyncio.run(scenario())
