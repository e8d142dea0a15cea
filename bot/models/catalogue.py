"""Products: variants, materials and the size chart."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

from pydantic import Field, root_validator, validator

from bot.models.base import Model, Range


class Fit(str, Enum):
    runs_small = "runs_small"
    true_to_size = "true_to_size"
    runs_large = "runs_large"


class SizeChartRow(Model):
    size: str
    height_cm: Range
    weight_kg: Range
    bust_cm: Optional[Range] = None
    waist_cm: Optional[Range] = None


class Material(Model):
    name: str
    composition: str
    breathable: Optional[bool] = None
    stretch: Optional[str] = None  # none / slight / high
    thickness: Optional[str] = None  # thin / medium / thick
    care: str = ""


class Variant(Model):
    colour: str
    size: str = "均码"
    stock: int = Field(ge=0)


class Product(Model):
    sku: str
    name: str
    category: str
    aliases: List[str] = []
    price: float = Field(gt=0)
    material: Material
    colours: List[str]
    variants: List[Variant]
    size_chart: List[SizeChartRow] = []
    fit: Fit = Fit.true_to_size
    description: str = ""
    restricted_regions: List[str] = []
    restriction_reason: str = ""
    # What a buyer may ask for that the material does not say (冬季, 加厚, 送礼, 宽松…): the
    # recommendations match them (bot/services/recommend.py).
    tags: List[str] = Field(default=[], max_items=20)
    image_url: Optional[str] = Field(default=None, regex=r"^https?://\S+$")
    size_chart_image_url: Optional[str] = Field(default=None, regex=r"^https?://\S+$")  # shown with the size answer

    @validator("tags", each_item=True)
    def _tag_is_a_word(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 10:
            raise ValueError("a tag is a short word (1-10 characters), e.g. 冬季")
        return value

    @validator("tags")
    def _tags_unique(cls, value: List[str]) -> List[str]:
        if len(set(value)) != len(value):
            raise ValueError("a tag is listed twice")
        return value

    @root_validator(skip_on_failure=True)
    def _variants_use_known_colours(cls, values: dict) -> dict:
        colours = set(values["colours"])
        for variant in values["variants"]:
            if variant.colour not in colours:
                raise ValueError(f"variant colour {variant.colour!r} is not in colours")
        chart_sizes = [row.size for row in values["size_chart"]]
        if chart_sizes:
            for variant in values["variants"]:
                if variant.size not in chart_sizes:
                    raise ValueError(f"variant size {variant.size!r} is not in size_chart")
        return values

    @property
    def sizes(self) -> List[str]:
        """Sizes in chart order (smallest first), or the variants' sizes when there is no chart."""
        if self.size_chart:
            return [row.size for row in self.size_chart]
        seen: List[str] = []
        for variant in self.variants:
            if variant.size not in seen:
                seen.append(variant.size)
        return seen

    def stock_of(self, colour: Optional[str] = None, size: Optional[str] = None) -> int:
        return sum(v.stock for v in self.variants if (colour is None or v.colour == colour) and (size is None or v.size == size))
