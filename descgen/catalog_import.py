"""The catalog a shop sends: a strict schema, and files read against it (JSON, JSON Lines, CSV).

Strict: a string where a list belongs is an error (never split into letters), ``true`` is
not a title, unknown fields are refused, lengths are bounded. Every error names the file,
the row (and product id where there is one) and the field, on one line. Nothing is loaded
when any row is bad, unless the caller skips invalid rows; then each is listed. Two rows
with the same product id are an error naming both.

Formats, by the file's suffix:

- descgen's JSON: ``{"store": {...}, "products": [{...}, ...]}`` (``local/sample_catalog.json``),
  read whole: large catalogs belong in JSON Lines or CSV;
- JSON Lines (``.jsonl``, ``.ndjson``): the first line ``{"store": {...}}``, then one product
  per line, read line by line;
- CSV (``.csv``): descgen's own layout or Shopify's product export (``catalog_csv``), read
  record by record; the store is given with the file, since a CSV file does not name one.

``open_catalog`` gives the store and a stream of checked rows, read as they are iterated
(``db.catalog.import_catalog`` writes them in chunks); ``read_catalog`` collects them
in memory. ``descgen catalog schema`` prints the schema (``CatalogDocument``) as JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from descgen.catalog_csv import CsvCatalog, CsvError, read_csv
from descgen.contract.records import LANGUAGE_ID_PATTERN, PRODUCT_ID_PATTERN
from descgen.quality.voice import BrandVoice
from descgen.schedules import StoreSchedule
from descgen.stores import STORE_ID_PATTERN

_STRICT = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

ProductId = Annotated[str, StringConstraints(pattern=f"^{PRODUCT_ID_PATTERN.pattern}$")]
LanguageId = Annotated[str, StringConstraints(pattern=f"^{LANGUAGE_ID_PATTERN.pattern}$")]
StoreId = Annotated[str, StringConstraints(pattern=f"^{STORE_ID_PATTERN.pattern}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100)]
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AttributeValue = Annotated[str, StringConstraints(max_length=500)]
MAX_KEYWORDS = 30


class CatalogError(ValueError):
    """Catalog data descgen refuses, in one line naming where."""


class ProductIn(BaseModel):
    """One product: its id goes into the marker, the rest into the prompt."""

    model_config = _STRICT
    id: ProductId = Field(description="the store's product id: letters, digits, '.', '_', '-'; at most 64")
    title: Title
    seo_keywords: list[Keyword] = Field(
        default_factory=list, max_length=MAX_KEYWORDS, description="the first is the primary"
    )
    attributes: dict[AttributeName, AttributeValue] = Field(default_factory=dict, max_length=50)


class StoreIn(BaseModel):
    model_config = _STRICT
    id: StoreId = Field(description="lower-case letters, digits and inner hyphens; at most 32")
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    languages: dict[LanguageId, Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        min_length=1, description="language id (en, pt-BR) -> its name"
    )
    voice: BrandVoice | None = Field(None, description="the store's brand voice (a new version when it changed)")
    schedule: StoreSchedule | None = Field(
        None,
        description="when generate-due-stores runs it: its local window (absent: left as it is; default 02:00-06:00 UTC)",
    )
    monthly_budget_usd: float | None = Field(
        None, ge=0, description="at most this much a month, in USD, sent to Bedrock (absent: left as it is; null: none)"
    )


class CatalogDocument(BaseModel):
    """descgen's JSON catalog (JSON Lines: a {"store": ...} line, then one product per line)."""

    model_config = _STRICT
    store: StoreIn
    products: list[ProductIn]


@dataclass(frozen=True, slots=True)
class Row:
    """One product row as read: the checked product, or the one-line problem that keeps it out."""

    number: int  # the row (JSON), line (JSON Lines) or record (CSV) where it starts
    where: str  # how its error lines begin: "shop.csv: row 4, handle 'trail-tent'"
    id: str | None  # its product id, if it has a valid one (a bad row's too: a full import must not archive it)
    product: ProductIn | None = None
    problem: str | None = None


@dataclass(frozen=True)
class CatalogStream:
    """A catalog file opened: its store, and its product rows read as they are iterated."""

    store: StoreIn
    rows: Iterator[Row]
    id_field: str = "id"  # the column a duplicate id's error names ("Handle" in a Shopify export)


@dataclass
class ParsedCatalog:
    """A catalog read whole into memory (``read_catalog``; ``import_catalog`` streams instead)."""

    store: StoreIn
    rows: list[Row]

    @property
    def products(self) -> list[ProductIn]:
        return [row.product for row in self.rows if row.product is not None]

    @property
    def problems(self) -> list[str]:  # the rows left out (skip_invalid), one line each
        return [row.problem for row in self.rows if row.problem is not None]


def schema() -> dict[str, Any]:
    return CatalogDocument.model_json_schema()


def _problem(where: str, error: ValidationError, columns: Mapping[str, str] | None = None) -> str:
    first = error.errors()[0]
    place = [str(part) for part in first["loc"]]
    if place and columns:
        place[0] = columns.get(place[0], place[0])  # the file's own column name (Shopify's "Handle")
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: field {'.'.join(place) or 'row'}: {first['msg']}{more}"


def _store(data: Any, where: str) -> StoreIn:
    try:
        return StoreIn.model_validate(data)
    except ValidationError as error:
        raise CatalogError(_problem(f"{where} store", error)) from None


def _product_id(value: Any) -> str | None:
    """The value if it is a valid product id (stripped, as the schema strips it)."""
    if isinstance(value, str) and PRODUCT_ID_PATTERN.fullmatch(value.strip()):
        return value.strip()
    return None


def checked(number: int, where: str, data: Any, columns: Mapping[str, str] | None = None) -> Row:
    """One product's fields checked against the schema; ``columns`` renames fields in the error."""
    try:
        product = ProductIn.model_validate(data)
    except ValidationError as error:
        raw_id = data.get("id") if isinstance(data, dict) else None
        return Row(number, where, _product_id(raw_id), problem=_problem(where, error, columns))
    return Row(number, where, product.id, product)


def refuse_duplicates(
    rows: Sequence[Row], earlier: Mapping[str, int], id_field: str = "id"
) -> tuple[list[Row], dict[str, int]]:
    """The rows with each repeated id made a bad row naming the first; and this chunk's first rows by id.

    ``earlier`` holds the first row of each id from before this chunk (only this chunk's ids
    need be there: ``import_catalog`` asks the database for them).
    """
    firsts: dict[str, int] = {}
    out: list[Row] = []
    for row in rows:
        before = None if row.id is None else earlier.get(row.id, firsts.get(row.id))
        if row.id is not None and before is None:
            firsts[row.id] = row.number
        elif before is not None and row.product is not None:
            row = replace(row, product=None, problem=f"{row.where}: field {id_field}: the same id as row {before}")
        out.append(row)
    return out, firsts


def refusal(first_problem: str, bad_rows: int) -> str:
    """The one line that refuses a whole file for its bad rows."""
    more = f" (and {bad_rows - 1} more bad rows)" if bad_rows > 1 else ""
    return first_problem + more + "; nothing was loaded"


T = TypeVar("T")
CHUNK_ROWS = 1000  # rows read, checked and written together: memory holds one chunk, never the file


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def collect(catalog: CatalogStream, *, skip_invalid: bool = False) -> ParsedCatalog:
    """Every row in memory, duplicates refused; any bad row refuses the file unless skipped."""
    parsed = ParsedCatalog(catalog.store, [])
    first_rows: dict[str, int] = {}
    for chunk in chunks(catalog.rows, CHUNK_ROWS):
        rows, firsts = refuse_duplicates(chunk, first_rows, catalog.id_field)
        first_rows.update(firsts)
        parsed.rows.extend(rows)
    problems = parsed.problems
    if problems and not skip_invalid:
        raise CatalogError(refusal(problems[0], len(problems)))
    return parsed


def parse_document(data: Any, source: str = "catalog", *, skip_invalid: bool = False) -> ParsedCatalog:
    """A JSON catalog document (already decoded)."""
    return collect(_document(data, source), skip_invalid=skip_invalid)


def parse_lines(lines: Iterable[str], source: str, *, skip_invalid: bool = False) -> ParsedCatalog:
    """JSON Lines: the store on the first line, then one product per line (blank lines ignored)."""
    return collect(_json_lines(lines, source), skip_invalid=skip_invalid)


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIX = ".csv"


@contextmanager
def open_catalog(path: Path, *, store: StoreIn | None = None) -> Iterator[CatalogStream]:
    """A catalog file by its suffix, its rows read as they are iterated (a JSON document is read whole).

    ``store``: the store of a CSV file, which names none; refused with JSON, which names its own.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == CSV_SUFFIX:
        if store is None:
            raise CatalogError(
                f"{source}: a CSV catalog does not name its store: give it (descgen load-catalog FILE --store STORE)"
            )
        with path.open(encoding="utf-8-sig", newline="") as file:  # -sig: spreadsheets start with a BOM
            yield _csv(_utf8(file, source), source, store)
        return
    if store is not None:
        raise CatalogError(f"{source}: the file names its own store; a store is given only with a CSV file")
    if suffix in JSON_LINES_SUFFIXES:
        with path.open(encoding="utf-8") as file:
            yield _json_lines(_utf8(file, source), source)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{source}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except ValueError as error:
        raise CatalogError(f"{source}: not JSON ({error})") from None
    yield _document(data, source)


def read_catalog(path: Path, *, skip_invalid: bool = False, store: StoreIn | None = None) -> ParsedCatalog:
    """A catalog file read whole into memory (``db.catalog.import_catalog`` streams it instead)."""
    with open_catalog(path, store=store) as catalog:
        return collect(catalog, skip_invalid=skip_invalid)


def _utf8(lines: Iterable[str], source: str) -> Iterator[str]:
    """The lines of a file decoded as it is read: a byte that is not UTF-8 is a one-line error."""
    iterator = iter(lines)
    number = 0
    while True:
        try:
            line = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise CatalogError(f"{source}: not UTF-8 ({error.reason}) after line {number}") from None
        number += 1
        yield line


def _document(data: Any, source: str) -> CatalogStream:
    if not isinstance(data, dict) or set(data) != {"store", "products"} or not isinstance(data["products"], list):
        raise CatalogError(f'{source}: not a catalog document: expected {{"store": {{...}}, "products": [...]}}')
    rows = enumerate(data["products"], start=1)
    return CatalogStream(_store(data["store"], source), (_json_row(source, row, item) for row, item in rows))


def _json_row(source: str, number: int, data: Any) -> Row:
    label = data.get("id") if isinstance(data, dict) else None
    where = f"{source}: row {number}" + (f", product {label!r}" if isinstance(label, str | int) else "")
    return checked(number, where, data)


def _json_lines(lines: Iterable[str], source: str) -> CatalogStream:
    numbered = ((number, line) for number, line in enumerate(lines, start=1) if line.strip())
    try:
        number, first = next(numbered)
    except StopIteration:
        raise CatalogError(f"{source}: empty file") from None
    try:
        head = json.loads(first)
    except ValueError as error:
        raise CatalogError(f"{source}: line {number}: not JSON ({error})") from None
    if not isinstance(head, dict) or set(head) != {"store"}:
        raise CatalogError(f'{source}: line {number}: expected {{"store": {{...}}}} first')
    return CatalogStream(_store(head["store"], f"{source}: line {number}"), _json_line_rows(numbered, source))


def _json_line_rows(numbered: Iterator[tuple[int, str]], source: str) -> Iterator[Row]:
    for number, line in numbered:
        try:
            data = json.loads(line)
        except ValueError as error:
            where = f"{source}: row {number}"
            yield Row(number, where, None, problem=f"{where}: not JSON ({error})")
            continue
        yield _json_row(source, number, data)


def _csv(lines: Iterable[str], source: str, store: StoreIn) -> CatalogStream:
    try:
        catalog = read_csv(lines, source, keyword_limit=MAX_KEYWORDS)
    except CsvError as error:
        raise CatalogError(str(error)) from None
    return CatalogStream(store, _csv_rows(catalog, source), id_field=catalog.columns.get("id", "id"))


def _csv_rows(catalog: CsvCatalog, source: str) -> Iterator[Row]:
    try:
        for product in catalog.products:
            where = f"{source}: row {product.row}" + (f", {catalog.label} {product.id!r}" if product.id else "")
            if product.fields is None:
                yield Row(product.row, where, _product_id(product.id), problem=f"{where}: {product.problem}")
            else:
                yield checked(product.row, where, product.fields, catalog.columns)
    except CsvError as error:
        raise CatalogError(str(error)) from None
