"""indicators.progress.paging.cut: items in order cut into pages of about a number of rows, never splitting one."""

from __future__ import annotations

from indicators.progress.paging import cut


def test_items_fill_a_page_until_the_next_would_pass_it():
    assert cut([("a", 4), ("b", 5), ("c", 2), ("d", 0)], 10) == [(["a", "b"], 9), (["c", "d"], 2)]


def test_an_item_larger_than_a_page_is_a_page_of_its_own():
    assert cut([("a", 3), ("big", 25), ("b", 1)], 10) == [(["a"], 3), (["big"], 25), (["b"], 1)]


def test_an_item_said_to_stand_alone_shares_its_page_with_nothing():
    pages = cut([("a", 1), ("window", 2), ("b", 1), ("c", 1)], 10, alone=lambda item: item == "window")
    assert pages == [(["a"], 1), (["window"], 2), (["b", "c"], 2)]


def test_nothing_to_cut_is_no_page():
    assert cut([], 10) == []
