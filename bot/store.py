"""The one module that owns every Redis key. Callers get typed models and never build keys.

Layout, all under `shop:{shop_id}:`
  info                     Shop (JSON)
  product:{sku}            Product (JSON)          products        set of skus
  catalogue_version        a digest of every product record: parsed products are kept by it
  alias                    hash: lower-cased name or alias -> sku
  buyer:{id}               Buyer (JSON)
  order:{id}               Order (JSON)            buyer_orders:{buyer_id}  set of order ids
  requests                 stream of ShopRequest (address changes, returns, complaints, handoffs)
  complaints:{sku}         hash: complaint reason -> count (what the shop takes to the factory)
  handoff:{conversation_id} hash: the conversation's current or last Handoff
  handoffs:open            sorted set: conversation ids waiting or claimed, by request time
  handoff_events           stream of HandoffEvent: the durable log of every handoff
  corrections              hash: JSON [conversation_id, message_ref] -> Correction (trainer marks)
  console_session:{id}     the agent of an open console session (expires with it; logout deletes it)
  message:{sender}:{id}    a REST message's replies by the client's message id (a day): a retry
                           gets them again instead of being processed twice
  rate:{sender}            counter of one sender's messages in the current window (expires with it)
  signature:{signature}    a signed REST request's signature, seen once (kept while its timestamp is taken)
  agents_online            sorted set: agent name -> until when (epoch seconds) the agent counts
                           as online (the console's heartbeat moves it on)
  opt_outs                 hash: buyer id -> when they replied 退订 (ISO); survives file loads
  outreach:{send key}      one proactive message (campaign:{id}:{buyer}, birthday:{year}:{buyer},
                           follow_up:{order}, unpaid:{order}): `sending` while it goes out, then `sent`
  marketing_log:{buyer}    sorted set: marketing message ids by send time (the frequency cap)
  follow_up_pending:{buyer} the order a follow-up question asked about (until answered, a week)
  follow_up_answers        hash: order id -> FollowUpAnswer (JSON)
  unpaid_reminders         sorted set: order ids reminded to pay (催付) by reminder time (the dashboard)
  unpaid_reminded:{buyer}  sorted set: the buyer's reminded order ids by time (two a day at most)
                           (bot/outreach/reminder_log.py does this Redis work; sends use outreach:unpaid:{order})
  photo:{conversation}:{id} hash: a buyer's photo (content_type, at, base64 data), 30 days
  photos:{conversation}    sorted set: the conversation's photo ids by time (30 days)
  complaint_photos:{request id} list: photo ids attached to a quality complaint (its stream id)
                           (bot/photos/records.py does this Redis work; the console serves them to agents only)
  knowledge                hash: entry key -> KnowledgeEntry (JSON), the shop's own answers
  knowledge_version        moves on with every change (a digest of a loaded file's entries, else
                           a random token): each process rebuilds its index when it differs (bot/knowledge/records.py does this Redis work)
  knowledge_history        list of KnowledgeChange (JSON), newest first: the owners' console edits, for undo

Numbers for the shop owner (bot/metrics/), under `metrics:`:
  metrics:events           stream: the conversation events the Rasa servers publish (event broker), each
                           until the consumer has counted it
  metrics:hour:{YYYYMMDDHH} hash, one UTC hour: counters (conversations, buyer_messages,
                           handed_off, not_understood) and `intent:…`, `item:…`, `reason:…` counts; per answer source
                           (`knowledge:<key>`, `intent:<name>`): `answered:`, `precise:`, `unsure_after:`, `rated:`, `satisfied:`
  metrics:hour:{…}:first_reply list: first-reply times (ms) of the hour's conversations
  metrics:hour:{…}:unclear hash: not-understood message text -> count
  metrics:hour:{…}:missed  list: MissedMessage (JSON) the assistant asked back on or handed off (a month;
                           the questions nobody answered, bot/mining/)
  metrics:conversations    sorted set: `buyer|session start` by session start (for conversion)
  metrics:conversation:{id} hash: where the buyer's current session stands (the consumer's state)

Conversations (the Rasa server's tracker and lock stores, bot/rasa_runtime/), under a prefix
set in endpoints.yml (`tracker`, `lock`), not per shop: a conversation id is the buyer id.
  {tracker}:{id}:events    list: every event of every session, as JSON, append-only
  {tracker}:{id}:view      hash: `events` (JSON list the next turn starts from, bounded),
                           `length` (how many events `events:` held when it was written)
  {lock}:{id}:next         last ticket issued          {lock}:{id}:serving  ticket allowed now
  {lock}:{id}:holder       the serving ticket, expires with the lock's lifetime
  {lock}:{id}:skip         set: tickets given up before their turn
  {lock}:{id}:wake:{n}     list: pushed when ticket n may go (what its waiter blocks on)
  {lock}:{id}:seq_done     highest client sequence number (REST `seq`) handled (a week)
  {lock}:{id}:seq_wake:{n} list: pushed when the message with sequence number n is handled
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import redis

from bot.models import (
    Buyer,
    Correction,
    FollowUpAnswer,
    Handoff,
    HandoffChange,
    HandoffEvent,
    HandoffState,
    Order,
    Product,
    Shop,
    ShopData,
    ShopRequest,
)


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


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def shop_key(shop_id: str, *parts: str) -> str:
    """A key of the layout above; only the feature modules it names call this."""
    return ":".join(("shop", shop_id, *parts))


@dataclass
class _ParsedCatalogue:
    version: str
    products: Dict[str, Product]
    complete: bool = False  # every sku of this version is in `products`


# Parsed products by (Redis server, shop), kept while the shop's catalogue version is the one they
# were read under. Only `write_all` writes products, and it sets the version in the same
# transaction: a digest of the whole catalogue it leaves (not a counter: a Redis emptied and
# loaded with other products must not meet an old number; loading the same file twice changes
# nothing). Before, every 凑单 and recommendation answer read and validated the whole catalogue
# (py-spy, 50 buyers: 41% of the action server's busy time).
_CATALOGUES: Dict[Tuple[str, str], _ParsedCatalogue] = {}


class ShopStore:
    def __init__(self, client: redis.Redis, shop_id: str) -> None:
        self.client = client
        self.shop_id = shop_id

    # -- keys (private: nothing outside this class builds them) -----------------------------
    def _key(self, *parts: str) -> str:
        return shop_key(self.shop_id, *parts)

    # -- shop ----------------------------------------------------------------------------
    def has_shop(self) -> bool:
        return bool(self.client.exists(self._key("info")))

    def shop(self) -> Shop:
        raw = self.client.get(self._key("info"))
        if raw is None:
            raise LookupError(f"shop {self.shop_id!r} is not loaded; run `make load-demo`")
        return Shop.parse_raw(raw)

    # -- products ------------------------------------------------------------------------
    def _parsed(self, version: Optional[str]) -> Optional[_ParsedCatalogue]:
        if version is None:  # a catalogue written before versions: nothing is kept
            return None
        kwargs = self.client.connection_pool.connection_kwargs
        where = (f"{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')}{kwargs.get('path', '')}", self.shop_id)
        parsed = _CATALOGUES.get(where)
        if parsed is None or parsed.version != version:
            parsed = _CATALOGUES[where] = _ParsedCatalogue(version, {})
        return parsed

    def product(self, sku: str) -> Optional[Product]:
        pipe = self.client.pipeline(transaction=True)  # the version and the record of one moment
        pipe.get(self._key("catalogue_version"))
        pipe.get(self._key("product", sku))
        version, raw = pipe.execute()
        if raw is None:
            return None
        parsed = self._parsed(version)
        if parsed is None:
            return Product.parse_raw(raw)
        if sku not in parsed.products:
            parsed.products[sku] = Product.parse_raw(raw)
        return parsed.products[sku]

    def products(self) -> List[Product]:
        parsed = self._parsed(self.client.get(self._key("catalogue_version")))
        if parsed is not None and parsed.complete:
            return [parsed.products[sku] for sku in sorted(parsed.products)]
        pipe = self.client.pipeline(transaction=True)
        pipe.get(self._key("catalogue_version"))
        pipe.smembers(self._key("products"))
        version, skus = pipe.execute()
        skus = sorted(skus)
        pipe = self.client.pipeline(transaction=True)
        pipe.get(self._key("catalogue_version"))
        for sku in skus:
            pipe.get(self._key("product", sku))
        again, *raws = pipe.execute()
        products = [Product.parse_raw(raw) for raw in raws if raw]
        parsed = self._parsed(version) if version == again else None
        if parsed is not None and len(products) == len(skus):
            parsed.products = {product.sku: product for product in products}
            parsed.complete = True
        return products

    def sku_for_name(self, name: str) -> Optional[str]:
        """The sku whose name or alias is `name` (case-insensitive)."""
        return self.client.hget(self._key("alias"), name.strip().lower())

    def skus_named(self, names: Iterable[str]) -> Dict[str, str]:
        """Of `names`, those that name a product (its sku, name or alias), each mapped to its sku;
        one round trip however many."""
        names = list(dict.fromkeys(names))
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.sismember(self._key("products"), name)
            pipe.hget(self._key("alias"), name.strip().lower())
        replies = pipe.execute()
        named = {name: name if replies[2 * n] else replies[2 * n + 1] for n, name in enumerate(names)}
        return {name: sku for name, sku in named.items() if sku}

    def product_names(self) -> dict:
        """Every name and alias (lower-cased) mapped to its sku."""
        return self.client.hgetall(self._key("alias"))

    # -- buyers and orders ---------------------------------------------------------------
    def buyer(self, buyer_id: str) -> Optional[Buyer]:
        raw = self.client.get(self._key("buyer", buyer_id))
        return Buyer.parse_raw(raw) if raw else None

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

    # -- import --------------------------------------------------------------------------
    def write_all(self, data: ShopData, merge: bool = False, also: Sequence[Callable[[Any], None]] = ()) -> None:
        """Write a whole validated data file in one MULTI/EXEC: all of it lands or none.

        The file is the truth: its catalogue, buyers and orders replace the shop's, and every
        index (aliases, the product set, each buyer's orders) is rebuilt from its records, so an
        order moved to another buyer or a record dropped from the file leaves nothing behind.
        `merge` keeps records the file does not mention (a shop adding to what it loaded)."""
        pipe = self.client.pipeline(transaction=True)
        if not merge:
            for key in self._catalogue_keys():
                pipe.delete(key)
        pipe.set(self._key("info"), data.shop.json())
        pipe.set(self._key("catalogue_version"), self._catalogue_digest(data.products, merge))
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

    def _catalogue_digest(self, written: Sequence[Product], merge: bool) -> str:
        records = {product.sku: product.json() for product in written}
        if merge:  # the products the file does not mention stay
            for product in self.products():
                records.setdefault(product.sku, product.json())
        return hashlib.sha256(json.dumps(sorted(records.items()), ensure_ascii=False).encode()).hexdigest()[:32]

    def _catalogue_keys(self) -> List[str]:
        """Every key a shop file writes (not what the assistant recorded: requests, handoffs…)."""
        keys = [self._key("products"), self._key("alias")]
        for kind in ("product", "buyer", "order", "buyer_orders"):
            keys += list(self.client.scan_iter(match=self._key(kind, "*"), count=1000))
        return keys

    # -- what the assistant records for the shop ------------------------------------------
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

    # -- keeping in touch (bot/outreach/) ------------------------------------------------------
    def opt_out(self, buyer_id: str, at: datetime) -> None:
        self.client.hset(self._key("opt_outs"), buyer_id, at.isoformat())

    def opted_out_at(self, buyer_id: str) -> Optional[datetime]:
        raw = self.client.hget(self._key("opt_outs"), buyer_id)
        return datetime.fromisoformat(raw) if raw else None

    def buyers(self) -> List[Buyer]:
        return [Buyer.parse_raw(raw) for raw in self._all_records("buyer")]

    SEND_STALE_SECONDS = 120  # a `sending` older than this was left by a run that died

    def claim_send(self, send_key: str, now: Optional[float] = None) -> Optional[str]:
        """Take a proactive message to send: None when it is ours now; else its state (`sent`,
        or `sending` while another run has it). One left `sending` by a run that died is taken
        over: its delivery carries the send key as message id, so it is never shown twice."""
        key, now = self._key("outreach", send_key), now if now is not None else time.time()
        if self.client.set(key, f"sending:{now}", nx=True, ex=400 * 86400):
            return None
        state = self.client.get(key) or "sending:0"
        if state.startswith("sending:"):
            if now - float(state.split(":", 1)[1] or 0) > self.SEND_STALE_SECONDS:
                self.client.set(key, f"sending:{now}", ex=400 * 86400)
                return None
            return "sending"
        return state

    def finish_send(self, send_key: str, sent: bool) -> None:
        key = self._key("outreach", send_key)
        if sent:
            self.client.set(key, "sent", ex=400 * 86400)
        else:
            self.client.delete(key)  # not delivered: the next run tries again

    def send_state(self, send_key: str) -> Optional[str]:
        return self.client.get(self._key("outreach", send_key))

    def log_marketing(self, buyer_id: str, message_id: str, at: datetime) -> None:
        self.client.zadd(self._key("marketing_log", buyer_id), {message_id: at.timestamp()})

    def marketing_since(self, buyer_id: str, since: datetime) -> int:
        return int(self.client.zcount(self._key("marketing_log", buyer_id), since.timestamp(), "+inf"))

    def ask_follow_up(self, buyer_id: str, order_id: str, seconds: int) -> None:
        self.client.set(self._key("follow_up_pending", buyer_id), order_id, ex=seconds)

    def forget_follow_up(self, buyer_id: str) -> None:
        self.client.delete(self._key("follow_up_pending", buyer_id))

    def pending_follow_up(self, buyer_id: str) -> Optional[str]:
        return self.client.get(self._key("follow_up_pending", buyer_id))

    def record_follow_up_answer(self, buyer_id: str, answer: FollowUpAnswer) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key("follow_up_answers"), answer.order_id, answer.json())
        pipe.delete(self._key("follow_up_pending", buyer_id))
        pipe.execute()

    def follow_up_answer(self, order_id: str) -> Optional[FollowUpAnswer]:
        raw = self.client.hget(self._key("follow_up_answers"), order_id)
        return FollowUpAnswer.parse_raw(raw) if raw else None

    def skus(self) -> Iterable[str]:
        return self.client.smembers(self._key("products"))

    def open_console_session(self, session_id: str, agent: str, seconds: int) -> None:
        self.client.set(self._key("console_session", session_id), agent, ex=seconds)

    def console_session_agent(self, session_id: str) -> Optional[str]:
        return self.client.get(self._key("console_session", session_id)) if session_id else None

    def close_console_session(self, session_id: str) -> None:
        self.client.delete(self._key("console_session", session_id))

    # A day: long enough for any client retry, short enough to keep Redis small.
    MESSAGE_ID_SECONDS = 24 * 3600
    PENDING = "__pending__"

    def claim_message_id(self, sender: str, message_id: str) -> Optional[str]:
        """None if this message id is new (now claimed); else what is stored for it: the
        replies' JSON, or PENDING while the first delivery is still being processed."""
        key = self._key("message", sender, message_id)
        if self.client.set(key, self.PENDING, nx=True, ex=self.MESSAGE_ID_SECONDS):
            return None
        return self.client.get(key) or self.PENDING

    def finish_message_id(self, sender: str, message_id: str, replies_json: str) -> None:
        self.client.set(self._key("message", sender, message_id), replies_json, ex=self.MESSAGE_ID_SECONDS)

    def release_message_id(self, sender: str, message_id: str) -> None:
        """The delivery failed before anything was stored: a retry must be processed."""
        self.client.delete(self._key("message", sender, message_id))

    def claim_signature(self, signature: str, seconds: int) -> bool:
        """True the first time a signed REST request's signature is seen (kept `seconds`)."""
        return bool(self.client.set(self._key("signature", signature), 1, nx=True, ex=seconds))

    def count_message(self, sender: str, window_seconds: int) -> int:
        """How many messages `sender` has sent in the current window, this one included."""
        key = self._key("rate", sender)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, 0, ex=window_seconds, nx=True)  # a new window starts at 0 (INCR keeps the TTL)
        pipe.incr(key)
        _, count = pipe.execute()
        return int(count)

    # == agents' presence (the console's heartbeat) ==============================================
    def mark_agent_online(self, agent: str, until: datetime) -> None:
        self.client.zadd(self._key("agents_online"), {agent: until.timestamp()})

    def mark_agent_offline(self, agent: str) -> None:
        self.client.zrem(self._key("agents_online"), agent)

    def agents_online(self, now: datetime) -> List[str]:
        """Agents whose heartbeat has not expired at `now`, by name."""
        key = self._key("agents_online")
        self.client.zremrangebyscore(key, "-inf", now.timestamp())
        return sorted(self.client.zrangebyscore(key, now.timestamp(), "+inf"))

    # == handoffs to human agents ==============================================================
    # Keys, under `shop:{shop_id}:`
    #   handoff:{conversation_id}  hash: the conversation's current/last Handoff (one field each)
    #   handoffs:open              sorted set: conversation ids waiting or claimed, by request time
    #   handoff_events             stream of HandoffEvent (requested, claimed, replied, handed back,
    #                              closed): the durable log of every handoff
    # State changes are Lua scripts, so a check and its change are one atomic step: two agents
    # cannot both claim a chat, and only the holder can hand it back or close it.
    _OPEN_HANDOFF = """
    local state = redis.call('HGET', KEYS[1], 'state')
    if state == 'waiting' or state == 'claimed' then return 0 end
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[1], unpack(ARGV, 4))
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
    redis.call('XADD', KEYS[3], '*', 'json', ARGV[3])
    return 1
    """
    _CLAIM_HANDOFF = """
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing', ''} end
    if state == 'claimed' then
      local holder = redis.call('HGET', KEYS[1], 'claimed_by')
      if holder == ARGV[1] then return {'done', holder} end
      return {'taken', holder}
    end
    if state ~= 'waiting' then return {'ended', ''} end
    redis.call('HSET', KEYS[1], 'state', 'claimed', 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
    redis.call('XADD', KEYS[2], '*', 'json', ARGV[3])
    return {'done', ARGV[1]}
    """
    _END_HANDOFF = """
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return {'missing', ''} end
    if state ~= 'waiting' and state ~= 'claimed' then return {'ended', ''} end
    if state == 'claimed' then
      local holder = redis.call('HGET', KEYS[1], 'claimed_by')
      if holder ~= ARGV[2] then return {'taken', holder} end
    end
    redis.call('HSET', KEYS[1], 'state', ARGV[3], 'ended_by', ARGV[2], 'ended_at', ARGV[4])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('XADD', KEYS[3], '*', 'json', ARGV[5])
    return {'done', ARGV[2]}
    """

    def open_handoff(self, handoff: Handoff, event: HandoffEvent) -> bool:
        """Start a handoff unless one is already open for the conversation (then False)."""
        # One hash field per model field, as JSON renders them (ISO times, enum values).
        fields = [item for pair in json.loads(handoff.json(exclude_none=True)).items() for item in pair]
        opened = self.client.register_script(self._OPEN_HANDOFF)(
            keys=[
                self._key("handoff", handoff.conversation_id),
                self._key("handoffs", "open"),
                self._key("handoff_events"),
            ],
            args=[handoff.conversation_id, handoff.created_at.timestamp(), event.json(), *fields],
        )
        return bool(opened)

    def handoff(self, conversation_id: str) -> Optional[Handoff]:
        fields = self.client.hgetall(self._key("handoff", conversation_id))
        return Handoff.parse_obj(fields) if fields else None

    def mark_wait_update(self, conversation_id: str, at: datetime) -> bool:
        """Record that the waiting buyer got the one 'still waiting' update; False if they
        already had it (HSETNX: two turns at once cannot both send it)."""
        return bool(self.client.hsetnx(self._key("handoff", conversation_id), "wait_update_at", at.isoformat()))

    def handoff_state(self, conversation_id: str) -> Optional[HandoffState]:
        state = self.client.hget(self._key("handoff", conversation_id), "state")
        return HandoffState(state) if state else None

    def open_handoffs(self) -> List[Handoff]:
        """Waiting and claimed handoffs, oldest request first."""
        ids = self.client.zrange(self._key("handoffs", "open"), 0, -1)
        found = [self.handoff(conversation_id) for conversation_id in ids]
        return [h for h in found if h is not None]

    def claim_handoff(self, conversation_id: str, agent: str, event: HandoffEvent) -> tuple[HandoffChange, str]:
        """Atomically give a waiting chat to `agent`; returns what happened and who holds it."""
        change, holder = self.client.register_script(self._CLAIM_HANDOFF)(
            keys=[self._key("handoff", conversation_id), self._key("handoff_events")],
            args=[agent, event.at.isoformat(), event.json()],
        )
        return HandoffChange(change), holder or ""

    def end_handoff(
        self, conversation_id: str, agent: str, state: HandoffState, event: HandoffEvent
    ) -> tuple[HandoffChange, str]:
        """Atomically end an open handoff (`state` returned or closed) unless another agent holds it."""
        change, holder = self.client.register_script(self._END_HANDOFF)(
            keys=[
                self._key("handoff", conversation_id), self._key("handoffs", "open"), self._key("handoff_events"),
            ],
            args=[conversation_id, agent, state.value, event.at.isoformat(), event.json()],
        )
        return HandoffChange(change), holder or ""

    def record_handoff_event(self, event: HandoffEvent) -> str:
        return self.client.xadd(self._key("handoff_events"), {"json": event.json()})

    def handoff_events(self, conversation_id: Optional[str] = None) -> List[HandoffEvent]:
        entries = self.client.xrange(self._key("handoff_events"))
        found = [HandoffEvent.parse_raw(fields["json"]) for _, fields in entries]
        return [e for e in found if conversation_id is None or e.conversation_id == conversation_id]
    # == end of handoffs ======================================================================

    # == trainer corrections (bot/trainer/corrections.py) ======================================
    # Key, under `shop:{shop_id}:`
    #   corrections   hash: JSON [conversation_id, message_ref] -> Correction (JSON)
    # One mark per buyer message: marking it again replaces the earlier mark.
    def _correction_field(self, conversation_id: str, message_ref: str) -> str:
        return json.dumps([conversation_id, message_ref], ensure_ascii=False)

    def add_correction(self, correction: Correction) -> bool:
        """Store a mark; True when it replaced an earlier mark of the same message."""
        field = self._correction_field(correction.conversation_id, correction.message_ref)
        return not self.client.hset(self._key("corrections"), field, correction.json())

    def correction(self, conversation_id: str, message_ref: str) -> Optional[Correction]:
        raw = self.client.hget(self._key("corrections"), self._correction_field(conversation_id, message_ref))
        return Correction.parse_raw(raw) if raw else None

    def corrections(self, conversation_id: Optional[str] = None) -> List[Correction]:
        """Every mark (or one conversation's), oldest first."""
        found = [Correction.parse_raw(raw) for raw in self.client.hvals(self._key("corrections"))]
        found = [c for c in found if conversation_id is None or c.conversation_id == conversation_id]
        return sorted(found, key=lambda c: (c.created_at, c.conversation_id, c.message_ref))

    def delete_correction(self, conversation_id: str, message_ref: str) -> bool:
        field = self._correction_field(conversation_id, message_ref)
        return bool(self.client.hdel(self._key("corrections"), field))
    # == end of trainer corrections ============================================================
