"""Catalogs as CSV, read strictly: descgen's own layout and Shopify's product export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from descgen.catalog_csv import shopify_tags
from descgen.catalog_import import MAX_KEYWORDS, CatalogError, StoreIn, read_catalog

FIXTURE = Path(__file__).parents[1] / "fixtures" / "shopify_products_export.csv"
STORE = StoreIn(id="nordwand", name="Nordwand", languages={"en": "English", "de": "Deutsch"})
SHOPIFY_HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Option1 Name", "Option1 Value", "Status"]


def shopify_csv(tmp_path: Path, *rows: dict[str, str]) -> Path:
    return write_csv(
        tmp_path / "shop.csv", SHOPIFY_HEADER, [[row.get(name, "") for name in SHOPIFY_HEADER] for row in rows]
    )


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def tent(**changes: str) -> dict[str, str]:
    return {"Handle": "trail-tent", "Title": "Trail Tent", "Tags": "tent, camping", "Status": "active"} | changes


def test_a_shopify_export_is_one_product_per_handle_with_its_variants_folded_into_attributes():
    # GIVEN Shopify's export of seven products, one archived in the shop, a draft, variants on rows of their own
    # WHEN it is read for a store
    catalog = read_catalog(FIXTURE, store=STORE)
    # THEN each handle is one product, in the file's order; the archived one is left out, the draft kept
    products = {p.id: p for p in catalog.products}
    assert list(products) == [
        "trail-tent-2p",
        "merino-base-layer-women",
        "cafe-creme-enamel-mug",
        "daunenschlafsack-minus-10",
        "carbon-trekking-poles",
        "headlamp-400",
    ]
    assert catalog.problems == []
    trail_tent = products["trail-tent-2p"]
    assert trail_tent.title == "Trail Tent 2P – Ultralight"
    # tags: trimmed, the first spelling of each ("Tent" repeats "tent"), in order
    assert trail_tent.seo_keywords == ["tent", "camping", "ultralight", "backpacking", "2 person"]
    assert trail_tent.attributes == {
        "Vendor": "Nordwand",
        "Product Category": "Sporting Goods > Outdoor Recreation > Camping & Hiking > Tents",
        "Type": "Tents",
        "Colour": "Green, Sand, Grey",  # three variant rows, and an image row that adds nothing
    }
    assert products["merino-base-layer-women"].attributes["Size"] == "XS, S, M, L"
    assert products["merino-base-layer-women"].attributes["Colour"] == "Black, Heather"
    assert products["carbon-trekking-poles"].attributes["Length"] == "110 cm, 120 cm, 130 cm"
    # UTF-8 kept as written, in titles, vendors and option names
    assert products["daunenschlafsack-minus-10"].attributes["Größe"] == "Regular, Long, Extra Long"
    assert products["cafe-creme-enamel-mug"].attributes["Vendor"] == "Åkerö Emalj"
    # Shopify's placeholder option of a product without variants is no attribute; SEO fields and body are not read
    assert set(products["headlamp-400"].attributes) == {"Vendor", "Product Category", "Type"}
    assert set(products["cafe-creme-enamel-mug"].attributes) == {"Vendor", "Product Category", "Type"}


def test_shopify_tags_are_trimmed_deduplicated_and_kept_within_the_schemas_keyword_limit():
    tags = ", ".join(f"tag {n}" for n in range(40))
    assert shopify_tags(" tent ,, Tent, camping,TENT ", MAX_KEYWORDS) == ["tent", "camping"]
    assert shopify_tags(tags, MAX_KEYWORDS) == [f"tag {n}" for n in range(MAX_KEYWORDS)]
    assert shopify_tags("", MAX_KEYWORDS) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([tent(Handle="trail tent!")], "row 2, handle 'trail tent!': field Handle: String should match pattern"),
        ([tent(Handle="t" * 65)], f"row 2, handle '{'t' * 65}': field Handle: String should match pattern"),
        ([tent(Handle="")], "row 2: field Handle: empty"),
        ([tent(), {"Handle": "orphan", "Option1 Value": "XL"}], "row 3, handle 'orphan': field Title: empty on the"),
        ([tent(Title="x" * 501)], "row 2, handle 'trail-tent': field Title: String should have at most 500"),
        ([tent(Tags="t" * 101)], "row 2, handle 'trail-tent': field Tags.0: String should have at most 100"),
        (
            [
                tent(**{"Option1 Name": "Size", "Option1 Value": "S" * 300}),
                {"Handle": "trail-tent", "Option1 Value": "M" * 300},
            ],
            "row 2, handle 'trail-tent': field attributes.Size: String should have at most 500",
        ),
        (
            [tent(), tent(Handle="stove"), tent(Title="Again")],
            "row 4, handle 'trail-tent': field Handle: the same id as row 2",
        ),
    ],
)
def test_each_bad_shopify_row_is_one_line_naming_file_row_handle_and_column(tmp_path, rows, message):
    path = shopify_csv(tmp_path, *rows)
    with pytest.raises(CatalogError) as raised:
        read_catalog(path, store=STORE)
    text = str(raised.value)
    assert text.startswith(f"{path}: {message}")
    assert text.endswith("nothing was loaded")
    assert "\n" not in text


def test_a_row_with_more_cells_than_the_header_is_named(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text("Handle,Title,Tags\ntrail-tent,Trail Tent,tent\nstove,Stove, 2 burners,stove\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"shop\.csv: row 3, handle 'stove': field row: 4 cells, the header has 3"):
        read_catalog(path, store=STORE)


def test_descgen_csv_has_keywords_separated_by_bars_and_an_attribute_per_column(tmp_path):
    path = write_csv(
        tmp_path / "shop.csv",
        ["id", "title", "seo_keywords", "attr:weight", "attr:colour"],
        [["P1", "Trail Tent", "tent|camping, 2 person", "2 kg", "green"], ["P2", "Stove", "", "", "black"]],
    )
    products = read_catalog(path, store=STORE).products
    assert [p.model_dump() for p in products] == [
        {
            "id": "P1",
            "title": "Trail Tent",
            "seo_keywords": ["tent", "camping, 2 person"],
            "attributes": {"weight": "2 kg", "colour": "green"},
        },
        {"id": "P2", "title": "Stove", "seo_keywords": [], "attributes": {"colour": "black"}},  # empty: no attribute
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["P1", "Tent", "tent||camping"], "row 2, product 'P1': field seo_keywords.1: String should have at least 1"),
        (["P#1", "Tent", ""], "row 2, product 'P#1': field id: String should match pattern"),
        (["P1", " ", ""], "row 2, product 'P1': field title: String should have at least 1 character"),
        (["P1", "Tent"], "row 2, product 'P1': field row: 2 cells, the header has 3"),
    ],
)
def test_each_bad_descgen_csv_row_is_one_line(tmp_path, cells, message):
    path = write_csv(tmp_path / "shop.csv", ["id", "title", "seo_keywords"], [cells])
    with pytest.raises(CatalogError) as raised:
        read_catalog(path, store=STORE)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert str(raised.value).endswith("nothing was loaded")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("sku,name\nP1,Tent\n", "row 1: not a catalog header: expected descgen's CSV (id, title, ...) or Shopify's"),
        ("id,title,colour\nP1,Tent,red\n", "row 1: unknown column 'colour' (descgen's CSV has id, title, seo_keywords"),
        ("id,seo_keywords\nP1,tent\n", "row 1: descgen's CSV needs the column 'title'"),
        ("Handle,Body (HTML)\nP1,<p>x</p>\n", "row 1: Shopify's product export needs the column 'Title'"),
        ("id,title,title\nP1,Tent,Tent\n", "row 1: column 'title' appears more than once"),
        ('id,title\nP1,"Tent\n', "row 2: not CSV (unexpected end of data)"),
    ],
)
def test_a_file_that_is_not_a_catalog_csv_is_refused_in_one_line(tmp_path, text, message):
    path = tmp_path / "shop.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        read_catalog(path, store=STORE)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_a_csv_file_needs_its_store_given_and_a_json_file_refuses_one(tmp_path):
    path = write_csv(tmp_path / "shop.csv", ["id", "title"], [["P1", "Tent"]])
    with pytest.raises(
        CatalogError,
        match=r"shop\.csv: a CSV catalog does not name its store: give it \(descgen load-catalog FILE --store STORE\)",
    ):
        read_catalog(path)
    document = tmp_path / "shop.json"
    document.write_text('{"store": {"id": "a", "name": "A", "languages": {"en": "English"}}, "products": []}')
    with pytest.raises(CatalogError, match=r"shop\.json: the file names its own store"):
        read_catalog(document, store=STORE)


def test_a_csv_that_is_not_utf8_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_bytes("id,title\nP1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError, match=r"shop\.csv: not UTF-8 \(invalid continuation byte\)"):
        read_catalog(path, store=STORE)


def test_skipping_invalid_csv_rows_keeps_the_rest_and_lists_each_bad_one(tmp_path):
    path = shopify_csv(tmp_path, tent(), tent(Handle="bad handle"), tent(Handle="stove", Title="Stove"))
    catalog = read_catalog(path, store=STORE, skip_invalid=True)
    assert [p.id for p in catalog.products] == ["trail-tent", "stove"]
    assert len(catalog.problems) == 1
    assert catalog.problems[0].startswith(f"{path}: row 3, handle 'bad handle': field Handle: String should match")
