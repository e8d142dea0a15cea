"""The one table of Redis keys, and the catalogue, buyers and orders; each feature's records module
(named below) does its keys' Redis work. Callers get typed models. Under `shop:{shop_id}:`, this module's:
  info  Shop (JSON)     product:{sku}  Product (JSON)     products  set of skus     alias  hash: lower-cased name -> sku
  catalogue_version  a digest of every product record: parsed products are kept by it (bot/catalogue_cache.py)
  buyer:{id}  Buyer (JSON)   order:{id}  Order (JSON)               buyer_orders:{buyer_id}  set of order ids
  requests                 stream of ShopRequest (address changes, returns, complaints, handoffs)
  complaints:{sku}         hash: complaint reason -> count (what the shop takes to the factory)
bot/handoff/records.py:  handoff:{conversation_id}  hash: the conversation's current or last Handoff
  handoffs:open            sorted set: conversation ids waiting or claimed, by request time
  handoff_events           stream of HandoffEvent: the durable log of every step of every handoff
  agents_online            sorted set: agent -> until when (epoch seconds) they count as online (console heartbeat)
bot/channels/records.py:
  message:{sender}:{id}    a REST message's replies by the client's message id (a day): a retry gets them again
  rate:{sender}            counter of one sender's messages in the current window (expires with it)
  signature:{signature}    a signed REST request's signature, seen once (kept while its timestamp is taken)
bot/console/records.py:  console_session:{id}  the agent of an open console session (expires with it)
bot/trainer/records.py:  corrections  hash: JSON [conversation_id, message_ref] -> Correction (trainer marks)
bot/outreach/records.py:
  opt_outs                 hash: buyer id -> when they replied 退订 (ISO); survives file loads
  outreach:{send key}      one proactive message (campaign:{id}:{buyer}, birthday:{year}:{buyer},
                           follow_up:{order}, unpaid:{order}): `sending` while it goes out, then `sent`
  marketing_log:{buyer}    sorted set: marketing message ids by send time (the frequency cap)
  follow_up_pending:{buyer} the order a follow-up question asked about (a week)   follow_up_answers  order id -> FollowUpAnswer
  unpaid_reminders / unpaid_reminded:{buyer}  sorted sets: order ids reminded to pay (催付) by time, all / the buyer's
bot/photos/records.py (30 days; agents only):  photo:{conversation}:{id}  hash: a buyer's photo (content_type, at, data)
  photos:{conversation}    sorted set: the conversation's photo ids by time
  complaint_photos:{request id} list: photo ids attached to a quality complaint (its stream id)
bot/knowledge/records.py:  knowledge  hash: entry key -> KnowledgeEntry (JSON), the shop's own answers
  knowledge_version        moves on with every change: each process rebuilds its index when it differs
  knowledge_history        list of KnowledgeChange (JSON), newest first: the owners' console edits, for undo

The owner's numbers (bot/metrics/), under `metrics:`:
  metrics:events           stream: the conversation events the Rasa servers publish, until the consumer counted them
  metrics:hour:{YYYYMMDDHH} hash, one UTC hour: counters (conversations, buyer_messages, handed_off, not_understood),
                           `intent:…`, `item:…`, `reason:…` counts; per answer source (`knowledge:<key>`,
                           `intent:<name>`): `answered:`, `precise:`, `unsure_after:`, `rated:`, `satisfied:`
  metrics:hour:{…}:first_reply list: first-reply times (ms)   metrics:hour:{…}:unclear  hash: not-understood text -> count
  metrics:hour:{…}:missed  list: MissedMessage (JSON) asked back on or handed off (a month; bot/mining/)
  metrics:conversations    sorted set: `buyer|session start` by session start (for conversion)
  metrics:conversation:{id} hash: where the buyer's current session stands (the consumer's state)

Conversations (the Rasa server's tracker and lock stores, bot/rasa_runtime/), under a prefix
set in endpoints.yml (`tracker`, `lock`), not per shop: a conversation id is the buyer id.
  {tracker}:{id}:events    list: every event of every session, as JSON, append-only
  {tracker}:{id}:view      hash: `length` (of `events:` when the view was written)
  {tracker}:{id}:view_events list: the events the next turn starts from (bounded), as JSON; extended
                           by each save, rewritten when cut (a hash field `events` held it as one JSON list before)
  {lock}:{id}:next         last ticket issued          {lock}:{id}:serving  ticket allowed now
  {lock}:{id}:holder       the serving ticket (a lease) {lock}:{id}:skip  set: tickets given up before their turn
  {lock}:{id}:wake:{n}     list: pushed when ticket n may go (what its waiter blocks on)
  {lock}:{id}:seq_done     highest REST `seq` handled (a week)   {lock}:{id}:seq_wake:{n}  list: pushed when n is handled
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence

import redis
import ujson

from bot.catalogue_cache import catalogue_digest, kept_product, kept_products, read_product, read_products
from bot.models import Buyer, Order, Product, Shop, ShopData, ShopRequest


@dataclass(frozen=True)
class ConversationKeys:
    """Key names of one conversation in the tracker and lock stores (layout above)."""

    tracker_prefix: str
    lock_prefix: str
    conversation_id: str

    @property
    def events(self) -> str:
        return f"{self.tracker_prefix}:{self.conversation_id}:events"

    @property
    def view(self) -> str:
        return f"{self.tracker_prefix}:{self.conversation_id}:view"

    @property
    def view_events(self) -> str:
        return f"{self.tracker_prefix}:{self.conversation_id}:view_events"

    @property
    def lock_next(self) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:next"

    @property
    def lock_serving(self) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:serving"

    @property
    def lock_holder(self) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:holder"

    @property
    def lock_skip(self) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:skip"

    def lock_wake(self, ticket: int) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:wake:{ticket}"

    @property
    def seq_done(self) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:seq_done"

    def seq_wake(self, seq: int) -> str:
        return f"{self.lock_prefix}:{self.conversation_id}:seq_wake:{seq}"

    # Rasa's own RedisTrackerStore kept one JSON blob here; read once to carry old chats over.
    @property
    def legacy_tracker(self) -> str:
        return f"{self.tracker_prefix}:tracker:{self.conversation_id}"

    @staticmethod
    def view_pattern(tracker_prefix: str) -> str:
        return f"{tracker_prefix}:*:view"

    @staticmethod
    def conversation_of_view(tracker_prefix: str, view_key: str) -> str:
        return view_key[len(tracker_prefix) + 1 : -len(":view")]


@dataclass(frozen=True)
class MetricsKeys:
    """Key names of the owner's numbers (layout above)."""

    prefix: str = "metrics"

    @property
    def events(self) -> str:
        return f"{self.prefix}:events"

    def hour(self, hour: str) -> str:
        return f"{self.prefix}:hour:{hour}"

    def first_reply(self, hour: str) -> str:
        return f"{self.prefix}:hour:{hour}:first_reply"

    def unclear(self, hour: str) -> str:
        return f"{self.prefix}:hour:{hour}:unclear"

    def missed(self, hour: str) -> str:
        return f"{self.prefix}:hour:{hour}:missed"

    @property
    def conversations(self) -> str:
        return f"{self.prefix}:conversations"

    def conversation(self, conversation_id: str) -> str:
        return f"{self.prefix}:conversation:{conversation_id}"


# `read_…(pipe, …)` queues a read on a pipeline shared by several features (one round trip) and returns
# this, which turns its replies (in order) into the value.
Read = Callable[[Iterator[Any]], Any]


def event_json(value: Any) -> str:
    """How conversation events are written to Redis (the tracker history and view, the metrics
    stream): readable Chinese, in ujson (Sanic's own JSON), which writes a turn's events several
    times faster than the standard library (py-spy)."""
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def shop_key(shop_id: str, *parts: str) -> str:
    """A key of the layout above; only the feature modules it names call this."""
    return ":".join(("shop", shop_id, *parts))


class ShopRecords:
    """One feature's Redis work for one shop (its package's records.py): the client the composition
    root connected, and the feature's keys of the layout above."""

    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.shop_id = shop_id

    def _key(self, *parts: str) -> str:
        return shop_key(self.shop_id, *parts)


@lru_cache(maxsize=8)
def parsed_shop(raw: str) -> Shop:
    """The shop's record, parsed once per text: every action call reads it (py-spy, 50 buyers:
    its validation was 6% of the Rasa server's Python time). Keyed by the whole text, so a shop
    written anew is parsed anew; models are immutable, so sharing one is safe."""
    return Shop.parse_raw(raw)


class ShopStore(ShopRecords):
    def has_shop(self) -> bool:
        return bool(self.client.exists(self._key("info")))

    def shop(self) -> Shop:
        return self._shop_of(self.client.get(self._key("info")))

    def read_shop(self, pipe: Any) -> Read:
        pipe.get(self._key("info"))
        return lambda replies: self._shop_of(next(replies))

    def _shop_of(self, raw: Optional[str]) -> Shop:
        if raw is None:
            raise LookupError(f"shop {self.shop_id!r} is not loaded; run `make load-demo`")
        return parsed_shop(raw)

    def product(self, sku: str) -> Optional[Product]:
        return read_product(self.client, self.shop_id, self._key, sku)

    def read_catalogue_version(self, pipe: Any) -> Read:
        pipe.get(self._key("catalogue_version"))
        return lambda replies: next(replies)

    def products(self) -> List[Product]:
        return read_products(self.client, self.shop_id, self._key)

    def sku_for_name(self, name: str) -> Optional[str]:
        """The sku whose name or alias is `name` (case-insensitive)."""
        return self.client.hget(self._key("alias"), name.strip().lower())

    def skus_named(self, names: Iterable[str]) -> Dict[str, str]:
        """Of `names`, those that name a product (sku, name or alias) mapped to its sku; one round trip."""
        names = list(dict.fromkeys(names))
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.sismember(self._key("products"), name)
            pipe.hget(self._key("alias"), name.strip().lower())
        replies = pipe.execute()
        named = {name: name if replies[2 * n] else replies[2 * n + 1] for n, name in enumerate(names)}
        return {name: sku for name, sku in named.items() if sku}

    def skus(self) -> Iterable[str]:
        return self.client.smembers(self._key("products"))

    def product_names(self) -> dict:
        """Every name and alias (lower-cased) mapped to its sku."""
        return self.client.hgetall(self._key("alias"))

    def buyer(self, buyer_id: str) -> Optional[Buyer]:
        raw = self.client.get(self._key("buyer", buyer_id))
        return Buyer.parse_raw(raw) if raw else None

    def buyers(self) -> List[Buyer]:
        return [Buyer.parse_raw(raw) for raw in self._all_records("buyer")]

    def order(self, order_id: str) -> Optional[Order]:
        raw = self.client.get(self._key("order", order_id))
        return Order.parse_raw(raw) if raw else None

    def orders_of(self, buyer_id: str) -> List[Order]:
        ids = self.client.smembers(self._key("buyer_orders", buyer_id))
        orders = [o for o in (self.order(i) for i in ids) if o is not None]
        return sorted(orders, key=lambda o: o.created_at, reverse=True)

    def orders(self) -> List[Order]:
        """Every order of the shop (reports; a shop's orders fit in memory)."""
        return [Order.parse_raw(raw) for raw in self._all_records("order")]

    def _all_records(self, kind: str) -> List[str]:
        keys = list(self.client.scan_iter(match=self._key(kind, "*"), count=1000))
        return [raw for raw in (self.client.mget(keys) if keys else []) if raw]

    def write_all(self, data: ShopData, merge: bool = False, also: Sequence[Callable[[Any], None]] = ()) -> None:
        """Write a whole validated data file in one MULTI/EXEC: all of it lands or none. The file is the
        truth: its records replace the shop's and every index (aliases, products, each buyer's orders) is
        rebuilt from them, so nothing it dropped or moved stays behind. `merge` keeps what it does not mention."""
        pipe = self.client.pipeline(transaction=True)
        if not merge:
            for key in self._catalogue_keys():
                pipe.delete(key)
        pipe.set(self._key("info"), data.shop.json())
        kept = {product.sku: product for product in self.products()} if merge else {}  # merge: the rest stay
        pipe.set(self._key("catalogue_version"), catalogue_digest({**kept, **{p.sku: p for p in data.products}}.values()))
        for product in data.products:
            pipe.set(self._key("product", product.sku), product.json())
            pipe.sadd(self._key("products"), product.sku)
            for name in (product.name, *product.aliases):
                pipe.hset(self._key("alias"), name.strip().lower(), product.sku)
        for buyer in data.buyers:
            pipe.set(self._key("buyer", buyer.id), buyer.json())
        for order in data.orders:
            if merge:  # an order the file moved to another buyer leaves the old buyer's index
                old = self.order(order.id)
                if old is not None and old.buyer_id != order.buyer_id:
                    pipe.srem(self._key("buyer_orders", old.buyer_id), order.id)
            pipe.set(self._key("order", order.id), order.json())
            pipe.sadd(self._key("buyer_orders", order.buyer_id), order.id)
        for write in also:  # other features' records of the same file (knowledge entries)
            write(pipe)
        pipe.execute()

    def _catalogue_keys(self) -> List[str]:
        """Every key a shop file writes (not what the assistant recorded: requests, handoffs…)."""
        keys = [self._key("products"), self._key("alias")]
        for kind in ("product", "buyer", "order", "buyer_orders"):
            keys += list(self.client.scan_iter(match=self._key(kind, "*"), count=1000))
        return keys

    # -- what the rule services record beside their reads (one port: bot/services/ports.py) --
    def record_request(self, request: ShopRequest) -> str:
        return self.client.xadd(self._key("requests"), {"json": request.json()})

    def requests(self, kind: Optional[str] = None) -> List[ShopRequest]:
        entries = self.client.xrange(self._key("requests"))
        found = [ShopRequest.parse_raw(fields["json"]) for _, fields in entries]
        return [r for r in found if kind is None or r.kind.value == kind]

    def latest_request(self, conversation_id: str, kind: str) -> Optional[tuple[str, ShopRequest]]:
        """The newest request of this kind in the conversation, with its stream id."""
        for entry_id, fields in self.client.xrevrange(self._key("requests")):
            request = ShopRequest.parse_raw(fields["json"])
            if request.conversation_id == conversation_id and request.kind.value == kind:
                return entry_id, request
        return None

    def count_complaint(self, sku: str, reason: str) -> int:
        return int(self.client.hincrby(self._key("complaints", sku), reason, 1))

    def complaint_counts(self, sku: str) -> dict:
        return {k: int(v) for k, v in self.client.hgetall(self._key("complaints", sku)).items()}


class ShopStoreAt(ShopStore):
    """The store as one action run reads it: the shop's record and catalogue version as the
    run's snapshot read them (actions/snapshot.py), and the products this process already parsed
    under that version without a Redis call (a turn read them two or three times, each a MULTI/EXEC).
    Everything else, and every write, is the store's own, read when asked."""

    def __init__(self, store: ShopStore, shop: Shop, catalogue_version: Optional[str]) -> None:
        super().__init__(store.client, store.shop_id)
        self._shop = shop
        self.catalogue_version = catalogue_version

    def shop(self) -> Shop:
        return self._shop

    def product(self, sku: str) -> Optional[Product]:
        known, product = kept_product(self.client, self.shop_id, self.catalogue_version, sku)
        return product if known else super().product(sku)

    def products(self) -> List[Product]:
        kept = kept_products(self.client, self.shop_id, self.catalogue_version)
        return kept if kept is not None else super().products()
