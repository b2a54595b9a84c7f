"""The catalog a shop sends, read strictly: every bad row named by file, row, product and field."""

from __future__ import annotations

import json

import pytest

from descgen.catalog_import import CatalogError, ProductIn, Row, parse_document, parse_lines, refuse_duplicates, schema
from descgen.db.catalog import ProductChange, StoredProduct, absent_product_change, listed_product_change

STORE = {"id": "acme", "name": "Acme", "languages": {"en": "English", "de": "German"}}


def product(**changes):
    return {
        "id": "P1",
        "title": "Trail Tent",
        "seo_keywords": ["tent", "camping"],
        "attributes": {"weight": "2 kg"},
    } | changes


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            product(seo_keywords="tent, camping"),
            "row 1, product 'P1': field seo_keywords: Input should be a valid list",
        ),
        (product(title=True), "row 1, product 'P1': field title: Input should be a valid string"),
        (product(title="x" * 200_000), "row 1, product 'P1': field title: String should have at most 500 characters"),
        (product(title="   "), "row 1, product 'P1': field title: String should have at least 1 character"),
        (product(colour="red"), "row 1, product 'P1': field colour: Extra inputs are not permitted"),
        (product(id="P#1"), "row 1, product 'P#1': field id: String should match pattern"),
        (
            product(attributes={"weight": 2}),
            "row 1, product 'P1': field attributes.weight: Input should be a valid string",
        ),
        (
            product(seo_keywords=["tent", ""]),
            "row 1, product 'P1': field seo_keywords.1: String should have at least 1",
        ),
        ({"title": "No id"}, "row 1: field id: Field required"),
        ("P1", "row 1: field row: Input should be a valid dictionary"),
    ],
)
def test_each_bad_row_is_one_line_naming_file_row_product_and_field_and_nothing_loads(row, message):
    with pytest.raises(CatalogError) as raised:
        parse_document({"store": STORE, "products": [row]}, "shop.json")
    text = str(raised.value)
    assert text.startswith("shop.json: " + message)
    assert text.endswith("nothing was loaded")
    assert "\n" not in text


def test_a_duplicate_product_id_is_an_error_naming_both_rows():
    with pytest.raises(CatalogError, match=r"row 3, product 'P1': field id: the same id as row 1"):
        parse_document({"store": STORE, "products": [product(), product(id="P2"), product()]}, "shop.json")


def test_skipping_invalid_rows_loads_the_rest_and_lists_each_bad_one():
    rows = [product(), product(id="P2", seo_keywords="x"), product(id="P3"), product(id="P3")]
    parsed = parse_document({"store": STORE, "products": rows}, "shop.json", skip_invalid=True)
    assert [p.id for p in parsed.products] == ["P1", "P3"]
    assert len(parsed.problems) == 2
    assert parsed.problems[0].startswith("shop.json: row 2, product 'P2': field seo_keywords")
    assert parsed.problems[1].startswith("shop.json: row 4, product 'P3': field id: the same id as row 3")


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (STORE | {"id": "Acme Shop"}, "shop.json store: field id: String should match pattern"),
        (STORE | {"languages": {}}, "shop.json store: field languages: Dictionary should have at least 1 item"),
        (STORE | {"languages": {"en_US": "English"}}, "shop.json store: field languages.en_US.[key]: String should"),
        (STORE | {"voice": {"tone": 3}}, "shop.json store: field voice.tone: Input should be a valid string"),
    ],
)
def test_a_bad_store_is_refused_before_any_product(store, message):
    with pytest.raises(CatalogError) as raised:
        parse_document({"store": store, "products": [product()]}, "shop.json")
    assert str(raised.value).startswith(message)


def test_a_document_that_is_not_a_catalog_says_what_was_expected():
    for data in ([], {"store": STORE}, {"store": STORE, "products": {}}, {"store": STORE, "products": [], "x": 1}):
        with pytest.raises(CatalogError, match=r'^shop.json: not a catalog document: expected \{"store"'):
            parse_document(data, "shop.json")


def test_json_lines_name_the_line_and_read_the_store_first():
    lines = [json.dumps({"store": STORE}), "", json.dumps(product()), "{not json", json.dumps(product(id="P2"))]
    with pytest.raises(CatalogError, match=r"^shop.jsonl: row 4: not JSON"):
        parse_lines(lines, "shop.jsonl")
    parsed = parse_lines(lines, "shop.jsonl", skip_invalid=True)
    assert [p.id for p in parsed.products] == ["P1", "P2"]
    with pytest.raises(CatalogError, match=r'^shop.jsonl: line 1: expected \{"store": \{...\}\} first'):
        parse_lines([json.dumps(product())], "shop.jsonl")
    with pytest.raises(CatalogError, match=r"^shop\.jsonl: empty file"):
        parse_lines(["", "  "], "shop.jsonl")


def test_the_schema_documents_every_field_strictly():
    document = schema()
    product_schema = document["$defs"]["ProductIn"]
    assert product_schema["additionalProperties"] is False
    assert product_schema["properties"]["seo_keywords"]["type"] == "array"
    assert set(document["properties"]) == {"store", "products"}


def row(number: int, product_id: str | None, *, bad: bool = False) -> Row:
    where = f"shop.jsonl: row {number}, product {product_id!r}"
    if bad:
        return Row(number, where, product_id, problem=f"{where}: field title: Field required")
    return Row(number, where, product_id, ProductIn(id=product_id or "", title="Tent"))


def test_a_duplicate_is_found_against_earlier_chunks_and_within_its_own():
    # GIVEN ids seen in earlier chunks (as the database's import table answers) and a chunk
    earlier = {"P1": 2}
    chunk = [row(7, "P1"), row(8, "P2"), row(9, "P2"), row(10, "P3", bad=True), row(11, "P3"), row(12, None, bad=True)]
    # WHEN duplicates are refused
    rows, firsts = refuse_duplicates(chunk, earlier)
    # THEN each repeat names the first row; a bad row's id counts as read; only new ids are this chunk's firsts
    assert [r.problem and r.problem.split(": ", 1)[1] for r in rows] == [
        "row 7, product 'P1': field id: the same id as row 2",
        None,
        "row 9, product 'P2': field id: the same id as row 8",
        "row 10, product 'P3': field title: Field required",
        "row 11, product 'P3': field id: the same id as row 10",
        "row 12, product None: field title: Field required",
    ]
    assert firsts == {"P2": 8, "P3": 10}


STORED = StoredProduct(1, "Tent", ["tent"], {"size": "2"}, archived=False)
ARCHIVED = StoredProduct(1, "Tent", ["tent"], {"size": "2"}, archived=True)
SAME = ProductIn(id="P1", title="Tent", seo_keywords=["tent"], attributes={"size": "2"})
RENAMED = ProductIn(id="P1", title="Tunnel Tent", seo_keywords=["tent"], attributes={"size": "2"})


@pytest.mark.parametrize(
    ("stored", "incoming", "change"),
    [
        (None, SAME, ProductChange.NEW),
        (STORED, SAME, ProductChange.UNCHANGED),
        (STORED, RENAMED, ProductChange.CHANGED),
        (STORED, SAME.model_copy(update={"seo_keywords": ["tent", "camping"]}), ProductChange.CHANGED),
        (STORED, SAME.model_copy(update={"attributes": {"size": "3"}}), ProductChange.CHANGED),
        (ARCHIVED, SAME, ProductChange.RESTORED),
        (ARCHIVED, RENAMED, ProductChange.RESTORED),
    ],
)
def test_what_an_import_does_to_a_product_its_file_has(stored, incoming, change):
    assert listed_product_change(stored, incoming) == change


@pytest.mark.parametrize(
    ("archived", "partial", "change"),
    [
        (False, False, ProductChange.ARCHIVED),  # a full import archives what the shop no longer sends
        (True, False, ProductChange.UNCHANGED),  # already archived: its date stays
        (False, True, ProductChange.UNCHANGED),  # a partial import says nothing about absent products
        (True, True, ProductChange.UNCHANGED),
    ],
)
def test_what_an_import_does_to_a_product_its_file_does_not_have(archived, partial, change):
    assert absent_product_change(archived, partial=partial) == change
