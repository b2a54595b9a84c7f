"""A task's fingerprint: a hash of everything that shapes its output.

If it did not change since the last good description, the task is not sent
again: the cheapest token is the one never bought.
"""

from __future__ import annotations

import hashlib
import json

from descgen.prompts import ProductFacts, prompt_version
from descgen.quality.voice import BrandVoice

DEFAULT_VOICE = BrandVoice().prompt_digest()


def fingerprint(
    product: ProductFacts,
    language_id: str,
    model_id: str,
    prompt: str = prompt_version(structured=True),
    voice: str = DEFAULT_VOICE,
) -> str:
    """``voice`` is the store's ``BrandVoice.prompt_digest()``: a new voice regenerates its store once."""
    canonical = json.dumps(
        {
            "product": product.product_id,
            "title": product.title,
            "keywords": list(product.keywords),
            "attributes": product.attributes,
            "language": language_id,
            "prompt": prompt,
            "model": model_id,
            "voice": voice,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
