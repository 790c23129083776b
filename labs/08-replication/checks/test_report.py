"""Hidden check of REPORT.md: the write-up exists, covers the three topics and quotes the measurements."""

import json
import re
from pathlib import Path


def load_report():
    path = Path("report.json")
    assert path.exists(), "report.json is missing from the lab folder: run python measure.py to write it"
    try:
        return json.loads(path.read_text())
    except ValueError as error:
        raise AssertionError(f"report.json is not valid JSON: {error}") from None


# --- report-md --------------------------------------------------------------------------------------------

def test_report_md():
    path = Path("REPORT.md")
    assert path.exists(), "REPORT.md is missing from the lab folder"
    text = path.read_text()
    assert "TODO" not in text, "REPORT.md still has TODO placeholders: replace each with your findings"
    headings = [line.strip("# ").strip().lower() for line in text.splitlines() if line.startswith("#")]
    for wanted in ("lag", "read-your-writes", "failover"):
        assert any(wanted in heading for heading in headings), f"REPORT.md needs a section whose heading names {wanted!r}; its headings are {headings}"
    assert "remote_apply" in text, "REPORT.md should say which synchronous_commit level gives read-your-writes on the replica, by name"
    median = load_report().get("postgres", {}).get("lag", {}).get("median_ms")
    assert isinstance(median, (int, float)), f"report.json has no postgres.lag.median_ms number (found {median!r}): run python measure.py first"
    numbers = [float(number) for number in re.findall(r"\d+(?:\.\d+)?", text)]
    assert any(abs(number - median) <= max(0.05, 0.1 * median) for number in numbers), (
        f"REPORT.md should quote the measured median lag from report.json ({median} ms); no number in it is within 10 % of that"
    )
