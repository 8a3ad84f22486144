"""Word tokenisation shared by the hashing embedder and the BM25 query builder."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)

# English function words carry no topic; dropping them from BM25 queries keeps FTS5 from
# scanning the posting lists of nearly every document, and keeps hashing vectors on topic.
_STOPWORDS = """a an and are as at be but by can do does for from has have how i if in into is it its
me my no not of on or our so such that the their then there these they this to was we
were what when where which who why will with you your"""
STOPWORDS = frozenset(_STOPWORDS.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` without stopwords (digits and underscores kept)."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
