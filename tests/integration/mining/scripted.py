"""Our own scripted buyer messages the assistant does not understand (it asks back or asks which
item): 30 messages of 5 kinds (10, 8, 6, 4 and 2 messages; buyers send the same words more than
once), for the mining page's tests. The e2e test sends them to the real model: none is a question
it answers."""

from __future__ import annotations

from typing import Dict, List

KINDS: Dict[str, List[str]] = {
    "recycle": ["旧衣服可以回收吗", "你们回收旧衣服吗", "旧衣能拿来回收吗", "有旧衣回收吗", "旧衣服回收怎么弄"] * 2,
    "digital_rmb": ["可以用数字人民币吗", "支持数字人民币吗", "数字人民币能用吗", "能用数字人民币买吗"] * 2,
    "celebrity": [
        "这件衣服是明星同款吗",
        "是杨幂同款吗",
        "这款是明星同款吗",
        "明星同款有吗",
        "这是哪个明星的同款",
        "是网红同款吗",
    ],
    "video": ["能视频看看实物吗", "可以视频看下实物吗"] * 2,
    "abroad": ["你们能发货到国外吗", "衣服可以寄到国外吗"],
}
