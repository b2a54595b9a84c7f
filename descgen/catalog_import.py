"""The catalog a shop sends: a strict schema, and files read against it (JSON and JSON Lines).

Strict: a string where a list belongs is an error (never split into letters), ``true`` is
not a title, unknown fields are refused, lengths are bounded. Every error names the file,
the row (and product id where there is one) and the field, on one line. Nothing is loaded
when any row is bad, unless the caller skips invalid rows; then each is listed.

Formats:

- descgen's JSON: ``{"store": {...}, "products": [{...}, ...]}`` (``local/sample_catalog.json``);
- JSON Lines (``.jsonl``, ``.ndjson``): the first line ``{"store": {...}}``, then one product
  per line, read line by line.

``descgen catalog schema`` prints the schema (``CatalogDocument``) as JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from descgen.contract.records import LANGUAGE_ID_PATTERN, PRODUCT_ID_PATTERN
from descgen.quality.voice import BrandVoice
from descgen.stores import STORE_ID_PATTERN

_STRICT = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

ProductId = Annotated[str, StringConstraints(pattern=f"^{PRODUCT_ID_PATTERN.pattern}$")]
LanguageId = Annotated[str, StringConstraints(pattern=f"^{LANGUAGE_ID_PATTERN.pattern}$")]
StoreId = Annotated[str, StringConstraints(pattern=f"^{STORE_ID_PATTERN.pattern}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100)]
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AttributeValue = Annotated[str, StringConstraints(max_length=500)]


class CatalogError(ValueError):
    """Catalog data descgen refuses, in one line naming where."""


class ProductIn(BaseModel):
    """One product: its id goes into the marker, the rest into the prompt."""

    model_config = _STRICT
    id: ProductId = Field(description="the store's product id: letters, digits, '.', '_', '-'; at most 64")
    title: Title
    seo_keywords: list[Keyword] = Field(default_factory=list, max_length=30, description="the first is the primary")
    attributes: dict[AttributeName, AttributeValue] = Field(default_factory=dict, max_length=50)


class StoreIn(BaseModel):
    model_config = _STRICT
    id: StoreId = Field(description="lower-case letters, digits and inner hyphens; at most 32")
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    languages: dict[LanguageId, Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        min_length=1, description="language id (en, pt-BR) -> its name"
    )
    voice: BrandVoice | None = Field(None, description="the store's brand voice (a new version when it changed)")


class CatalogDocument(BaseModel):
    """descgen's JSON catalog (JSON Lines: a {"store": ...} line, then one product per line)."""

    model_config = _STRICT
    store: StoreIn
    products: list[ProductIn]


@dataclass
class ParsedCatalog:
    store: StoreIn
    products: list[ProductIn] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the rows left out (skip_invalid), one line each


def schema() -> dict[str, Any]:
    return CatalogDocument.model_json_schema()


def _problem(where: str, error: ValidationError) -> str:
    first = error.errors()[0]
    place = ".".join(str(part) for part in first["loc"])
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: field {place or 'row'}: {first['msg']}{more}"


def _store(data: Any, where: str) -> StoreIn:
    try:
        return StoreIn.model_validate(data)
    except ValidationError as error:
        raise CatalogError(_problem(f"{where} store", error)) from None


def _products(rows: Iterable[tuple[int, Any]], source: str, parsed: ParsedCatalog, skip_invalid: bool) -> None:
    seen: dict[str, int] = {}
    for row, data in rows:
        label = data.get("id") if isinstance(data, dict) else None
        where = f"{source}: row {row}" + (f", product {label!r}" if isinstance(label, str | int) else "")
        try:
            product = ProductIn.model_validate(data)
        except ValidationError as error:
            parsed.problems.append(_problem(where, error))
            continue
        if product.id in seen:
            parsed.problems.append(f"{where}: field id: the same id as row {seen[product.id]}")
            continue
        seen[product.id] = row
        parsed.products.append(product)
    if parsed.problems and not skip_invalid:
        more = f" (and {len(parsed.problems) - 1} more bad rows)" if len(parsed.problems) > 1 else ""
        raise CatalogError(parsed.problems[0] + more + "; nothing was loaded")


def parse_document(data: Any, source: str = "catalog", *, skip_invalid: bool = False) -> ParsedCatalog:
    """A JSON catalog document (already decoded)."""
    if not isinstance(data, dict) or set(data) != {"store", "products"} or not isinstance(data["products"], list):
        raise CatalogError(f'{source}: not a catalog document: expected {{"store": {{...}}, "products": [...]}}')
    parsed = ParsedCatalog(_store(data["store"], source))
    _products(enumerate(data["products"], start=1), source, parsed, skip_invalid)
    return parsed


def parse_lines(lines: Iterable[str], source: str, *, skip_invalid: bool = False) -> ParsedCatalog:
    """JSON Lines: the store on the first line, then one product per line (blank lines ignored)."""
    numbered = ((number, line) for number, line in enumerate(lines, start=1) if line.strip())
    try:
        number, first = next(numbered)
    except StopIteration:
        raise CatalogError(f"{source}: empty file") from None
    head = _decoded(first, source, number)
    if not isinstance(head, dict) or set(head) != {"store"}:
        raise CatalogError(f'{source}: line {number}: expected {{"store": {{...}}}} first')
    parsed = ParsedCatalog(_store(head["store"], f"{source}: line {number}"))
    _products(_decoded_rows(numbered, source, parsed), source, parsed, skip_invalid)
    return parsed


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def read_catalog(path: Path, *, skip_invalid: bool = False) -> ParsedCatalog:
    """A catalog file, by its suffix: JSON Lines (read line by line) or descgen's JSON."""
    source = str(path)
    try:
        if path.suffix.lower() in JSON_LINES_SUFFIXES:
            with path.open(encoding="utf-8") as lines:
                return parse_lines(lines, source, skip_invalid=skip_invalid)
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{source}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except ValueError as error:
        raise CatalogError(f"{source}: not JSON ({error})") from None
    return parse_document(data, source, skip_invalid=skip_invalid)


def _decoded(line: str, source: str, number: int) -> Any:
    try:
        return json.loads(line)
    except ValueError as error:
        raise CatalogError(f"{source}: line {number}: not JSON ({error})") from None


def _decoded_rows(numbered: Iterator[tuple[int, str]], source: str, parsed: ParsedCatalog) -> Iterator[tuple[int, Any]]:
    for number, line in numbered:
        try:
            yield number, json.loads(line)
        except ValueError as error:
            parsed.problems.append(f"{source}: row {number}: not JSON ({error})")
