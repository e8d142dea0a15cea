"""What a reply may carry besides words: a product card and the size-chart image. Sent as Rasa
attachments, which both channels pass on as they are; the chat page (chat.js) renders them. Only
data from the shop file: no card for an item without a picture."""

from __future__ import annotations

from typing import Any, Dict, Optional

from bot.models import Product

PRODUCT_CARD = "product_card"  # the attachment's `type`


def product_card(product: Product) -> Optional[Dict[str, Any]]:
    if not product.image_url:
        return None
    return {
        "type": PRODUCT_CARD,
        "payload": {
            "sku": product.sku,
            "name": product.name,
            "price": product.price,
            "image_url": product.image_url,
            "url": f"?item={product.sku}",  # the chat page about that item (the shop file has no shop link)
        },
    }


def size_chart_image(product: Product) -> Optional[str]:
    return product.size_chart_image_url
