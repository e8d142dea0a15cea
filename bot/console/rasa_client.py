"""What the console asks of the Rasa server: a conversation's tracker, delivering a reply, and
what the classifier reads in a sample question (the knowledge page's 试一试)."""

from __future__ import annotations

from typing import Any, Dict, Optional
from urllib.parse import quote

import aiohttp

from bot.handoff.delivery import DELIVERY_PATH, TOKEN_HEADER, AgentMessage, delivery_token, rasa_api_token


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer as expected."""


class RasaClient:
    def __init__(self, base_url: str, secret: str, timeout: float = 15) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = delivery_token(secret)
        self._api_token = rasa_api_token(secret)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:  # created inside the running loop
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker"
        try:
            async with self._http().get(url, params={"token": self._api_token}) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"GET tracker answered {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"Rasa server at {self.base_url} unreachable: {error}") from error

    async def parse(self, text: str) -> Dict[str, Any]:
        """What the classifier reads in a text (intent and ranking), nothing stored."""
        try:
            async with self._http().post(
                f"{self.base_url}/model/parse", params={"token": self._api_token}, json={"text": text}
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"POST /model/parse answered {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"Rasa server at {self.base_url} unreachable: {error}") from error

    async def deliver(self, message: AgentMessage) -> None:
        """Record the reply in the tracker and push it to the buyer's chat window."""
        try:
            async with self._http().post(
                self.base_url + DELIVERY_PATH, json=message.dict(exclude_none=True), headers={TOKEN_HEADER: self._token}
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"delivery answered {response.status}: {await response.text()}")
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"Rasa server at {self.base_url} unreachable: {error}") from error
