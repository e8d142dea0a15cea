"""Typed models of the shop's data, one module a topic. The store returns these, never raw hashes.

Money is in yuan (float with two decimals is enough for display; nothing here does arithmetic
beyond sums and comparisons), times are timezone-aware datetimes, heights and lengths in cm,
weights in kg. Callers import from `bot.models`; the modules below are where each model lives.
"""

from bot.models.base import Model, Range, require_offset  # noqa: F401
from bot.models.catalogue import Fit, Material, Product, SizeChartRow, Variant  # noqa: F401
from bot.models.corrections import Correction, CorrectionEntity, message_ref  # noqa: F401
from bot.models.handoff import Handoff, HandoffChange, HandoffEvent, HandoffEventKind, HandoffReason, HandoffState  # noqa: F401
from bot.models.knowledge import KnowledgeEntry  # noqa: F401
from bot.models.orders import Buyer, MarketingConsent, Order, OrderItem, OrderStatus  # noqa: F401
from bot.models.requests import FollowUpAnswer, RequestKind, Satisfaction, ShopRequest  # noqa: F401
from bot.models.shop import (  # noqa: F401
    BirthdayCoupon,
    Courier,
    GiftRule,
    HandoffMode,
    InvoicePolicy,
    Policy,
    ReturningCustomerPerks,
    Shop,
)
from bot.models.shop_data import ShopData  # noqa: F401
