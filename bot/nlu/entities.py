"""Rule-based entity reader for buyer messages, built on spaCy's Chinese language (jieba).

``EntityReader(lexicon).read(text)`` normalises ``text`` (bot.nlu.normalize), finds entities in
the normalised text and reports spans in ``text`` itself, so callers never see offsets of a
string they did not pass in.

Entities: height/bust/waist (cm), weight (kg), size (XS..4XL, 均码), colour (…色), order_id,
product (sku) and region (province short name). Numeric entities come from character regexes
(see bot.nlu.measurements: jieba splits number + unit inconsistently); gazetteer entities come
from spaCy's PhraseMatcher over jieba tokens, with a substring fallback for phrases jieba
splits differently in context. Every entity is also a span in ``doc.spans["shop_entities"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Set, Tuple, Union

from bot.nlu.candidates import Candidate, lookahead, resolve
from bot.nlu.codes import find_order_ids, find_sizes
from bot.nlu.colours import ColourFinder
from bot.nlu.lexicon import Lexicon, jieba_words
from bot.nlu.measurements import find_measurements
from bot.nlu.normalize import Normalized, normalize_with_offsets

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPAN_KEY = "shop_entities"
# A gazetteer phrase found by substring search inside a jieba token (西藏 in 东西藏起来) is
# accepted only from this length on; shorter ones must start where a token starts.
_SUBSTRING_MIN_LENGTH = 4
_JIEBA_FREQ = 3000


@dataclass(frozen=True)
class ExtractedEntity:
    entity: str
    value: Union[str, float, int]
    start: int  # offsets in the text passed to EntityReader.read
    end: int
    text: str


def make_nlp(words: Iterable[str]) -> "Language":
    """Blank spaCy Chinese pipeline whose jieba segmenter also knows the shop's words.

    The segmenter is a private jieba.Tokenizer so that the global jieba (used by Rasa's
    JiebaTokenizer) is not changed as a side effect of creating a reader.
    """
    import jieba
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    segmenter = jieba.Tokenizer()
    for word in words:
        segmenter.add_word(word, _JIEBA_FREQ)
    nlp.tokenizer.jieba_seg = segmenter
    return nlp


class Gazetteer:
    """Phrases (lexicon terms) -> value, matched on tokens with a substring fallback."""

    def __init__(self, nlp: "Language", entity: str, terms: Mapping[str, str]) -> None:
        from spacy.matcher import PhraseMatcher

        self._entity = entity
        self._terms: Dict[str, str] = {term: value for term, value in terms.items() if term}
        self._matcher = PhraseMatcher(nlp.vocab)
        for term in self._terms:
            self._matcher.add(term, [nlp.make_doc(term)])
        ordered = sorted(self._terms, key=len, reverse=True)
        self._substring = lookahead("|".join(re.escape(term) for term in ordered)) if ordered else None

    def find(self, doc: "Doc", token_starts: Set[int]) -> List[Candidate]:
        found: Dict[Tuple[int, int], Candidate] = {}
        for match_id, start, end in self._matcher(doc):
            span = doc[start:end]
            term = doc.vocab.strings[match_id]
            found[(span.start_char, span.end_char)] = self._candidate(term, span.start_char, span.end_char, priority=1)
        if self._substring is not None:
            for match in self._substring.finditer(doc.text):
                start, end = match.span(1)
                if (start, end) in found:
                    continue
                if start in token_starts or end - start >= _SUBSTRING_MIN_LENGTH:
                    found[(start, end)] = self._candidate(match.group(1), start, end)
        return list(found.values())

    def _candidate(self, term: str, start: int, end: int, priority: int = 0) -> Candidate:
        return Candidate(self._entity, self._terms[term], start, end, start, end, priority)


class EntityReader:
    """Reads shop entities from a buyer message. Build once: it loads a jieba dictionary."""

    def __init__(self, lexicon: Lexicon, max_chars: int = 300) -> None:
        self.lexicon = lexicon
        self.max_chars = max_chars
        self._nlp = make_nlp(jieba_words(lexicon))
        self._colours = ColourFinder(lexicon.colours)
        self._products = Gazetteer(self._nlp, "product", lexicon.product_names)
        self._regions = Gazetteer(self._nlp, "region", lexicon.regions)

    def read_doc(self, normalized_text: str) -> "Doc":
        """spaCy Doc of already normalised text with entities in ``doc.spans[SPAN_KEY]``."""
        doc = self._nlp(normalized_text)
        spans = []
        for candidate in self._candidates(doc):
            span = doc.char_span(candidate.start, candidate.end, label=candidate.entity, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc

    def read(self, text: str) -> List[ExtractedEntity]:
        """Entities in ``text`` (raw or normalised); offsets refer to ``text``."""
        normalized = normalize_with_offsets(text, self.max_chars)
        if not normalized.text:
            return []
        doc = self._nlp(normalized.text)
        return [self._to_entity(c, normalized, text) for c in self._candidates(doc)]

    def read_normalized(self, normalized_text: str) -> List[ExtractedEntity]:
        """Entities in text the pipeline's normaliser already produced (its TEXT); offsets refer to
        that text. `read` would normalise it a second time: a full pass, as the normalisation cache
        is keyed by the original message."""
        if not normalized_text:
            return []
        doc = self._nlp(normalized_text)
        return [
            ExtractedEntity(c.entity, c.value, c.start, c.end, normalized_text[c.start : c.end]) for c in self._candidates(doc)
        ]

    def _candidates(self, doc: "Doc") -> List[Candidate]:
        text = doc.text
        token_starts = {token.idx for token in doc}
        general = resolve(
            [
                *find_measurements(text),
                *find_sizes(text, self.lexicon.sizes),
                *find_order_ids(text),
                *self._colours.find(text),
                *self._regions.find(doc, token_starts),
            ]
        )
        # Products are resolved on their own: a product name may contain a colour or size
        # word, and both the product and, say, the colour are worth knowing.
        products = resolve(self._products.find(doc, token_starts))
        return sorted([*general, *products], key=lambda c: (c.start, c.end, c.entity))

    @staticmethod
    def _to_entity(candidate: Candidate, normalized: Normalized, text: str) -> ExtractedEntity:
        start, end = normalized.original_span(candidate.start, candidate.end)
        return ExtractedEntity(candidate.entity, candidate.value, start, end, text[start:end])
