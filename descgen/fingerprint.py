"""A task's fingerprint: a hash of everything that shapes its output.

If it did not change since the last good description, the task is not sent
again: the cheapest token is the one never bought.

The hashed text is the canonical JSON of one object (keys sorted, no spaces, UTF-8):
``attributes``, ``keywords``, ``language``, ``model``, ``product``, ``prompt``,
``title``, ``voice``. Its bytes never change between releases: a different byte would
make every task of every catalog look changed and buy it again. A product's languages
share everything before ``language``, so that part is hashed once per product and the
hash state copied for each language (a sync fingerprints 3,000,000 pairs a night).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from descgen.prompts import ProductFacts, prompt_version
from descgen.quality.voice import BrandVoice

DEFAULT_VOICE = BrandVoice().prompt_digest()
# json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":")) of each part
_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def fingerprints(
    product: ProductFacts,
    language_ids: Iterable[str],
    model_id: str,
    prompt: str = prompt_version(structured=True),
    voice: str = DEFAULT_VOICE,
) -> dict[str, str]:
    """The fingerprint of the product in each language: ``{language: hex digest}``.

    ``voice`` is the store's ``BrandVoice.prompt_digest()``: a new voice regenerates its store once.
    """
    # the keys in sorted order: attributes, keywords | language | model, product, prompt, title, voice
    head = hashlib.sha256(
        f'{{"attributes":{_json(product.attributes)},"keywords":{_json(list(product.keywords))},"language":'.encode()
    )
    tail = (
        f',"model":{_json(model_id)},"product":{_json(product.product_id)},"prompt":{_json(prompt)},'
        f'"title":{_json(product.title)},"voice":{_json(voice)}}}'
    ).encode()
    hashes = {}
    for language_id in language_ids:
        language = head.copy()
        language.update(_json(language_id).encode() + tail)
        hashes[language_id] = language.hexdigest()
    return hashes


def fingerprint(
    product: ProductFacts,
    language_id: str,
    model_id: str,
    prompt: str = prompt_version(structured=True),
    voice: str = DEFAULT_VOICE,
) -> str:
    """The fingerprint of one (product, language)."""
    return fingerprints(product, [language_id], model_id, prompt, voice)[language_id]
