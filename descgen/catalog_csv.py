"""Catalog files as CSV: descgen's own layout, and Shopify's product export.

Both are read with the standard ``csv`` module one record at a time, and become the
fields of ``catalog_import.ProductIn``, unchecked: ``catalog_import`` checks them with
the same strict schema as JSON, so a CSV row is refused for the same reasons. A row
number is the record's number counting the header as row 1, which is what a
spreadsheet shows (a quoted cell may span several lines of the file).

A CSV file does not say which store it belongs to: the store is given separately
(``catalog_import.open_catalog(path, store=StoreIn(...))``).

**descgen's CSV.** A header, then one product per row::

    id,title,seo_keywords,attr:weight,attr:colour
    P1,Trail Tent,tent|camping|2 person,2 kg,green

- ``id`` and ``title`` are required columns;
- ``seo_keywords`` (optional column): keywords separated by ``|`` (a keyword may hold
  a comma), the first is the primary; an empty cell is no keyword;
- ``attr:<name>``: one column per attribute; an empty cell means the product does not
  have that attribute. Any other column is refused, so a typo never drops data.

**Shopify's product export** (Admin > Products > Export), told apart by its ``Handle``
column. Rows of one product are next to each other: the first carries the product
(its Title), the rows right after it with the same Handle are its variants and images
(their Title is empty in Shopify's export; one repeated there changes nothing). Read as:

- ``Handle`` -> the product id (it must be a valid product id: letters, digits, ``.``,
  ``_``, ``-``, at most 64);
- ``Title`` -> the title;
- ``Tags`` -> the SEO keywords: split on commas, trimmed, duplicates dropped (ignoring
  case), the first ``keyword_limit`` kept in order (shops tag for filters too, and more
  tags than the schema holds must not refuse the export);
- ``Vendor``, ``Product Category``, ``Type`` -> attributes of the same names;
- ``Option1..3 Name`` / ``Value`` over the product's rows -> one attribute per option,
  its distinct values in order: ``{"Size": "S, M, L"}``. Shopify's placeholder for a
  product without variants (option ``Title`` = ``Default Title``) is left out;
- ``Status`` ``archived``: the product is left out of the import, so a full import
  archives it in descgen as well; ``draft`` and ``active`` products are imported.
- Not read: ``Body (HTML)`` (the shop's current description, the text descgen replaces;
  it would anchor the model on it and often exceeds an attribute's length),
  ``SEO Title`` and ``SEO Description`` (descgen writes those), prices, inventory,
  images and metafield columns.

A Handle that reappears after another product's rows is a second product with the same
id (refused, naming both rows), not more variants: rows are read as a stream.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

KEYWORD_SEPARATOR = "|"
ATTRIBUTE_PREFIX = "attr:"
SHOPIFY_ATTRIBUTE_COLUMNS = ("Vendor", "Product Category", "Type")
SHOPIFY_OPTIONS = 3
SHOPIFY_NO_VARIANTS = ("Title", "Default Title")  # the option Shopify gives a product without variants
SHOPIFY_LEFT_OUT_STATUS = "archived"


class CsvError(ValueError):
    """A CSV file that cannot be read as a catalog at all, in one line naming the file (and row)."""


@dataclass(frozen=True, slots=True)
class CsvProduct:
    """One product as read from the file: its fields, or why the rows cannot be a product."""

    row: int  # its first record, the header being row 1
    id: str  # the id cell as read (``Handle`` for Shopify)
    fields: dict[str, Any] | None  # ProductIn's fields, not checked yet
    problem: str | None = None  # "field <column>: <what is wrong>"


@dataclass(frozen=True)
class CsvCatalog:
    layout: str  # "descgen" or "Shopify"
    label: str  # how an error line names a row's id: "product" or "handle"
    columns: dict[str, str]  # ProductIn field -> the column an error names, where they differ
    products: Iterator[CsvProduct]


def read_csv(lines: Iterable[str], source: str, *, keyword_limit: int) -> CsvCatalog:
    """The layout told by the header, and the file's products, read as they are iterated."""
    records = _records(lines, source)
    try:
        _, header = next(records)
    except StopIteration:
        raise CsvError(f"{source}: empty file") from None
    header = [name.strip() for name in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise CsvError(f"{source}: row 1: column {duplicated[0]!r} appears more than once")
    if "Handle" in header:
        _require(header, ("Handle", "Title"), source, "Shopify's product export")
        columns = {"id": "Handle", "title": "Title", "seo_keywords": "Tags"}
        return CsvCatalog("Shopify", "handle", columns, _shopify_products(records, header, keyword_limit))
    if "id" in header:
        _require(header, ("id", "title"), source, "descgen's CSV")
        unknown = [n for n in header if n not in ("id", "title", "seo_keywords") and not _attribute_name(n)]
        if unknown:
            raise CsvError(
                f"{source}: row 1: unknown column {unknown[0]!r} (descgen's CSV has id, title, seo_keywords "
                f"and {ATTRIBUTE_PREFIX}<name>)"
            )
        return CsvCatalog("descgen", "product", {}, _descgen_products(records, header))
    raise CsvError(
        f"{source}: row 1: not a catalog header: expected descgen's CSV (id, title, ...) "
        "or Shopify's product export (Handle, Title, ...)"
    )


def _require(header: list[str], names: tuple[str, ...], source: str, layout: str) -> None:
    missing = [name for name in names if name not in header]
    if missing:
        raise CsvError(f"{source}: row 1: {layout} needs the column {missing[0]!r}")


def _attribute_name(column: str) -> str:
    return column.removeprefix(ATTRIBUTE_PREFIX).strip() if column.startswith(ATTRIBUTE_PREFIX) else ""


def _records(lines: Iterable[str], source: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each record that is not blank."""
    reader = csv.reader(lines, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvError(f"{source}: row {number + 1}: not CSV ({error})") from None
        number += 1
        if any(cell.strip() for cell in cells):
            yield number, cells


def _cells(cells: list[str], header: list[str]) -> dict[str, str] | str:
    """The record by column name, or why it cannot be read against the header."""
    if len(cells) != len(header):
        return f"field row: {len(cells)} cells, the header has {len(header)}"
    return dict(zip(header, cells, strict=True))


def _cell(cells: list[str], header: list[str], name: str) -> str:
    """One cell of a record that may be short (to name a bad row by its id)."""
    index = header.index(name)
    return cells[index].strip() if index < len(cells) else ""


# --------------------------------------------------------------------------- descgen's CSV


def _descgen_products(records: Iterator[tuple[int, list[str]]], header: list[str]) -> Iterator[CsvProduct]:
    for number, cells in records:
        row = _cells(cells, header)
        if isinstance(row, str):
            yield CsvProduct(number, _cell(cells, header, "id"), None, row)
            continue
        keywords = row.get("seo_keywords", "")
        yield CsvProduct(
            number,
            row["id"].strip(),
            {
                "id": row["id"],
                "title": row["title"],
                "seo_keywords": keywords.split(KEYWORD_SEPARATOR) if keywords.strip() else [],
                "attributes": {_attribute_name(n): v for n, v in row.items() if _attribute_name(n) and v.strip()},
            },
        )


# --------------------------------------------------------------------------- Shopify's product export


@dataclass
class _ShopifyProduct:
    """The rows of one Handle so far: its first row's fields, and each option's values in order."""

    row: int
    handle: str
    first: dict[str, str]
    options: dict[int, list[str]] = field(default_factory=dict)

    def add_variant(self, row: dict[str, str]) -> None:
        for index in range(1, SHOPIFY_OPTIONS + 1):
            value = row.get(f"Option{index} Value", "").strip()
            values = self.options.setdefault(index, [])
            if value and value not in values:
                values.append(value)


def _shopify_products(
    records: Iterator[tuple[int, list[str]]], header: list[str], keyword_limit: int
) -> Iterator[CsvProduct]:
    current: _ShopifyProduct | None = None
    for number, cells in records:
        row = _cells(cells, header)
        if isinstance(row, str):
            yield CsvProduct(number, _cell(cells, header, "Handle"), None, row)
            continue
        handle = row["Handle"].strip()
        if current is not None and handle == current.handle:  # a variant or image row (a repeated Title too)
            current.add_variant(row)
            continue
        if current is not None:
            yield from _shopify_product(current, keyword_limit)
            current = None
        if not handle:
            yield CsvProduct(number, handle, None, "field Handle: empty (every row names its product)")
        elif not row["Title"].strip():
            yield CsvProduct(
                number, handle, None, "field Title: empty on the product's first row (variant rows follow it)"
            )
        else:
            current = _ShopifyProduct(number, handle, row)
            current.add_variant(row)
    if current is not None:
        yield from _shopify_product(current, keyword_limit)


def _shopify_product(product: _ShopifyProduct, keyword_limit: int) -> Iterator[CsvProduct]:
    first = product.first
    if first.get("Status", "").strip().lower() == SHOPIFY_LEFT_OUT_STATUS:
        return
    attributes = {name: first[name].strip() for name in SHOPIFY_ATTRIBUTE_COLUMNS if first.get(name, "").strip()}
    for index, values in product.options.items():
        name = first.get(f"Option{index} Name", "").strip()
        if name and values and (name, values[0]) != SHOPIFY_NO_VARIANTS:
            attributes[name] = ", ".join(values)
    fields = {
        "id": product.handle,
        "title": first["Title"],
        "seo_keywords": shopify_tags(first.get("Tags", ""), keyword_limit),
        "attributes": attributes,
    }
    yield CsvProduct(product.row, product.handle, fields)


def shopify_tags(cell: str, limit: int) -> list[str]:
    """Shopify's comma-separated tags as keywords: trimmed, the first spelling of each, at most ``limit``."""
    keywords: dict[str, str] = {}
    for tag in cell.split(","):
        tag = tag.strip()
        if tag and tag.casefold() not in keywords:
            keywords[tag.casefold()] = tag
    return list(keywords.values())[:limit]
