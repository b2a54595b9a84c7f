"""The seed scenario priced for every model of the catalog: ``make bench-costs``.

1,000 products x 3 languages at about 250 input and 300 output tokens each (the
original design's figures), batch vs on demand, from ``descgen/model_catalog.json``
(the regional profile premium included). Prints a Markdown table for the README.
"""

from __future__ import annotations

from descgen.model_catalog import load_model_catalog
from descgen.pricing import cost, price_for

PRODUCTS, LANGUAGES, INPUT_TOKENS, OUTPUT_TOKENS = 1_000, 3, 250, 300


def rows() -> list[tuple[str, str, str, float, float]]:
    catalog = load_model_catalog()
    models = catalog.by_id()
    records = PRODUCTS * LANGUAGES
    table = []
    for model in catalog.models:
        if not model.batch or model.lifecycle == "EOL" or model.price is None:
            continue
        total = cost(price_for(models, model.id), records * INPUT_TOKENS, records * OUTPUT_TOKENS)
        output = "JSON" if model.structured_output else "text"
        table.append((model.id, model.name, output, total.batch_usd, total.on_demand_usd))
    return table


def main() -> None:
    print(f"{PRODUCTS:,} products x {LANGUAGES} languages, ~{INPUT_TOKENS} tokens in and ~{OUTPUT_TOKENS} out each\n")
    print("| model | name | answers | batch | on demand |\n|---|---|---|---:|---:|")
    for model_id, name, output, batch, on_demand in rows():
        print(f"| `{model_id}` | {name} | {output} | ${batch:,.2f} | ${on_demand:,.2f} |")


if __name__ == "__main__":
    main()
