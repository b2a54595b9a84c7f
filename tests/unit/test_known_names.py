"""An unknown store or language is refused with what descgen does know (descgen/stores.py)."""

import pytest

from descgen.stores import UnknownName, check_known

STORES = {"shop": frozenset({"en", "de"}), "acme": frozenset({"fr"})}


@pytest.mark.parametrize(
    ("store", "languages", "error"),
    [
        ("shop", (), None),
        ("shop", ("de", "en"), None),
        ("acme", ["fr"], None),
        ("shpo", (), "no store 'shpo': did you mean 'shop'?"),
        ("zzz", (), "no store 'zzz' (known stores: acme, shop); load its catalog first with descgen load-catalog FILE"),
        ("shop", ("en", "xx"), "store 'shop' has no language 'xx' (its languages: de, en)"),
        ("acme", ("en",), "store 'acme' has no language 'en' (its languages: fr)"),
    ],
)
def test_a_store_and_its_languages_are_known_or_refused_in_one_line(store, languages, error):
    if error is None:
        check_known(STORES, store, languages)
        return
    with pytest.raises(UnknownName) as refused:
        check_known(STORES, store, languages)
    assert str(refused.value) == error


def test_an_empty_database_says_there_is_no_store_yet():
    with pytest.raises(UnknownName, match=r"no store 'shop' \(the database has no store yet\)"):
        check_known({}, "shop")


def test_a_long_list_of_stores_is_cut():
    stores = {f"store-{n:02}": frozenset() for n in range(25)}
    with pytest.raises(UnknownName, match=r"known stores: store-00, .*, store-09 and 15 more\)"):
        check_known(stores, "x")
