"""Built-in table of China's 34 provincial-level divisions and some major cities.

Values are province short names (新疆, 广东 ...), the form the shop data uses for regions.
"""

from __future__ import annotations

from typing import Dict, Tuple

# Short name -> official suffixes a buyer may add.
PROVINCES: Dict[str, Tuple[str, ...]] = {
    "北京": ("市",),
    "天津": ("市",),
    "上海": ("市",),
    "重庆": ("市",),
    "河北": ("省",),
    "山西": ("省",),
    "辽宁": ("省",),
    "吉林": ("省",),
    "黑龙江": ("省",),
    "江苏": ("省",),
    "浙江": ("省",),
    "安徽": ("省",),
    "福建": ("省",),
    "江西": ("省",),
    "山东": ("省",),
    "河南": ("省",),
    "湖北": ("省",),
    "湖南": ("省",),
    "广东": ("省",),
    "海南": ("省",),
    "四川": ("省",),
    "贵州": ("省",),
    "云南": ("省",),
    "陕西": ("省",),
    "甘肃": ("省",),
    "青海": ("省",),
    "台湾": ("省",),
    "内蒙古": ("自治区",),
    "广西": ("壮族自治区", "自治区"),
    "西藏": ("自治区",),
    "宁夏": ("回族自治区", "自治区"),
    "新疆": ("维吾尔自治区", "自治区"),
    "香港": ("特别行政区", "特区"),
    "澳门": ("特别行政区", "特区"),
}

# Major cities (and a few prefectures buyers name instead of the province) -> province.
CITIES: Dict[str, str] = {
    "乌鲁木齐": "新疆", "喀什": "新疆", "伊犁": "新疆", "克拉玛依": "新疆", "库尔勒": "新疆",
    "拉萨": "西藏", "日喀则": "西藏", "林芝": "西藏",
    "西宁": "青海", "银川": "宁夏", "兰州": "甘肃",
    "呼和浩特": "内蒙古", "包头": "内蒙古", "鄂尔多斯": "内蒙古", "赤峰": "内蒙古",
    "广州": "广东", "深圳": "广东", "东莞": "广东", "佛山": "广东", "珠海": "广东", "汕头": "广东",
    "杭州": "浙江", "宁波": "浙江", "温州": "浙江", "义乌": "浙江", "金华": "浙江", "绍兴": "浙江",
    "南京": "江苏", "苏州": "江苏", "无锡": "江苏", "常州": "江苏", "徐州": "江苏",
    "成都": "四川", "绵阳": "四川", "武汉": "湖北", "长沙": "湖南", "郑州": "河南", "洛阳": "河南",
    "济南": "山东", "青岛": "山东", "烟台": "山东", "石家庄": "河北", "保定": "河北",
    "太原": "山西", "沈阳": "辽宁", "大连": "辽宁", "长春": "吉林", "哈尔滨": "黑龙江",
    "合肥": "安徽", "福州": "福建", "厦门": "福建", "泉州": "福建", "南昌": "江西",
    "南宁": "广西", "桂林": "广西", "海口": "海南", "三亚": "海南", "贵阳": "贵州",
    "昆明": "云南", "大理": "云南", "丽江": "云南", "西安": "陕西", "台北": "台湾",
}  # fmt: skip

# Everyday short forms buyers write instead of the short name.
SHORT_FORMS: Dict[str, str] = {"内蒙": "内蒙古"}


def region_aliases() -> Dict[str, str]:
    """Every surface form (short name, name + suffix, city, city + 市) -> province short name."""
    aliases: Dict[str, str] = {}
    for province, suffixes in PROVINCES.items():
        aliases[province] = province
        for suffix in suffixes:
            aliases[province + suffix] = province
    for city, province in CITIES.items():
        aliases[city] = province
        aliases[city + "市"] = province
    aliases.update({form: province for form, province in SHORT_FORMS.items() if form not in aliases})
    return aliases
