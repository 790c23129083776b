"""Hidden checks for planner.render (lab 06, query-planner): the plan card.

No database: the estimates are made here, so the card is checked on its own, whatever the
learner's estimates are.
"""

from __future__ import annotations

import re

import planner

BAR_WIDTH = 40
PATH_LINE = re.compile(r"^\s*(?P<path>Seq Scan|Index Scan)\b(?P<label>.*?)\bcost\s+(?P<cost>\d+\.\d\d)\s+(?P<bar>#+)(?P<chosen>\s+<- chosen)?\s*$")


def _estimate(name, **fields):
    return planner.Estimate(query=planner.QUERIES[name], **fields)


CASES = {
    "one-customer": _estimate(
        "one-customer", selectivity=0.000119, rows=4, seq_scan_cost=715.00,
        index_name="orders_customer_id_idx", index_scan_cost=20.35, access_path="Index Scan", cost=20.35,
    ),
    "big-customer": _estimate(
        "big-customer", selectivity=0.100625, rows=3019, seq_scan_cost=715.00,
        index_name="orders_customer_id_idx", index_scan_cost=1440.72, access_path="Seq Scan", cost=715.00,
    ),
    "app-returns": _estimate(
        "app-returns", selectivity=0.017352, rows=521, seq_scan_cost=790.00,
        index_name=None, index_scan_cost=None, access_path="Seq Scan", cost=790.00,
    ),
}


def _expected_bar(cost, longest):
    return max(1, round(BAR_WIDTH * cost / longest))


def test_plan_card():
    for name, est in CASES.items():
        card = planner.render(name, est)
        assert isinstance(card, str) and card.strip(), f"render({name!r}, estimate) should return the card as text, got {card!r}"
        lines = card.splitlines()
        shown = "\n".join(lines[:6])
        assert lines[0].startswith(f"{name}: ") and est.query.sql() in lines[0], (
            f"the card's first line should be '{name}: ' and the query's SQL, got {lines[0]!r}"
        )
        rows = [m.group(1) for line in lines if (m := re.search(r"\brows:\s*(\d+)", line))]
        assert rows == [str(est.rows)], f"the card should have one 'rows: {est.rows}' line, got:\n{shown}"

        paths = {}
        for line in lines:
            match = PATH_LINE.match(line)
            if match:
                assert match["path"] not in paths, f"the card shows the {match['path']} twice:\n{shown}"
                paths[match["path"]] = match
        expected_paths = {"Seq Scan": est.seq_scan_cost}
        if est.index_scan_cost is not None:
            expected_paths["Index Scan"] = est.index_scan_cost
        assert set(paths) == set(expected_paths), (
            f"the card for {name} should have a line for each of {sorted(expected_paths)} in the form "
            f"'Index Scan using <index>  cost 20.35  #####', got:\n{shown}"
        )
        longest = max(expected_paths.values())
        for path, cost in expected_paths.items():
            match = paths[path]
            assert match["cost"] == f"{cost:.2f}", f"{name}: the {path} line should show cost {cost:.2f}, got {match['cost']}"
            bar = _expected_bar(cost, longest)
            assert len(match["bar"]) == bar, (
                f"{name}: the {path} bar should be {bar} '#' long (40 for the dearest path, in proportion "
                f"for the other, at least 1), got {len(match['bar'])}"
            )
            marked = match["chosen"] is not None
            assert marked == (path == est.access_path), (
                f"{name}: exactly the chosen path ({est.access_path}) should end with '<- chosen', got:\n{shown}"
            )
        if est.index_name is not None:
            assert est.index_name in paths["Index Scan"]["label"], (
                f"{name}: the Index Scan line should name the index, {est.index_name}: {paths['Index Scan'].group(0)!r}"
            )
