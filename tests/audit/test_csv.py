import csv
import datetime
import io
from decimal import Decimal

import pytest

from advocacy.core.csv import csv_stream, safe_cell


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, "-5"),
        (Decimal("-1.5"), "-1.5"),
        (True, "true"),
        (datetime.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_stream_yields_lines_that_parse_back():
    rows = [["=1+1", "ok, with comma", 'quote "x"'], ["line\nbreak", None, 3]]
    lines = list(csv_stream(rows, header=["a", "b", "c"]))
    assert len(lines) == 3 and all(line.endswith("\r\n") for line in lines)
    parsed = list(csv.reader(io.StringIO("".join(lines))))
    assert parsed == [["a", "b", "c"], ["'=1+1", "ok, with comma", 'quote "x"'], ["line\nbreak", "", "3"]]


def test_csv_stream_is_lazy():
    def rows():
        yield ["first"]
        raise AssertionError("read too far")

    stream = csv_stream(rows())
    assert next(stream) == "first\r\n"
