"""Request files (CSV and JSONL): read by the csv module with JSON types checked; every problem
names its row, and nothing is silently cut, merged, converted or replaced."""

from __future__ import annotations

import pytest

from alignment_faking_lab.protocol.queries import (
    QueryFileError,
    load_queries_csv,
    load_queries_file,
    load_queries_jsonl,
)

CSV_CASES = [
    (b"id,text\na,Hello, world\nb,fine\n",
     "f.csv, row 2: 3 values for 2 columns; put a text with commas in double quotes"),
    (b'id,text\na,fine\nb,"Hello world\nc,fine\n',
     "f.csv, row 3 (from line 3): a double quote opened here is never closed"),
    (b"text\nok\n" + b"x" * 200_000 + b"\n", "f.csv, row 3 (from line 3): a value over 128 kB"),
    ("text\ncafé\n".encode("latin-1"),
     "f.csv, line 2: found a byte that is not UTF-8 (0xE9), expected UTF-8 text"),
    (b"id,category,text\na,b\n", "f.csv, row 2: 2 values for 3 columns; a value is missing"),
    (b"text,harmful\nSay hi,maybe\n",
     "f.csv, row 2, column 'harmful': found the text 'maybe', expected true or false"),
    (b"id,text\nx,one\nx,two\n", "f.csv, column 'id': 'x' appears more than once"),
    (b"text\n", "f.csv: holds no requests"),
    ("id\ttext\na\tHello\n".encode("utf-16"),
     "f.csv: the file is UTF-16 text (what Excel saves as 'Unicode text'), expected UTF-8"),
    ("id\ttext\na\tHello\n".encode("utf-16-le"), "the file is UTF-16 text"),
    (b"id,text\na,fine\nb,bad\x00byte\n", "f.csv, line 3: found a NUL byte"),
    (b"id,text,text\na,one,two\n",
     "f.csv: the column 'text' appears more than once in the header"),
    (b"id,text\na,=HYPERLINK(\"http://x\")\n",
     "f.csv, row 2, column 'text': starts with '=', which a spreadsheet runs as a formula"),
    (b"id,text\n+cmd,hello\n", "f.csv, row 2, column 'id': starts with '+'"),
    (b"text,category\nhello,@SUM(A1)\n", "f.csv, row 2, column 'category': starts with '@'"),
    (b"text\n-2+3+cmd|' /C calc'!A0\n", "f.csv, row 2, column 'text': starts with '-'"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), CSV_CASES, ids=range(len(CSV_CASES)))
def test_a_bad_csv_names_the_row_and_what_is_wrong(data, message):
    with pytest.raises(QueryFileError) as error:
        load_queries_csv(data, "f.csv")
    assert message in str(error.value)


def test_a_header_with_spaces_after_commas_is_read_and_a_list_item_is_a_text():
    queries = load_queries_csv(b"id, text, harmful\na, - first step, no\n", "f.csv")
    assert [(q.id, q.text, q.harmful) for q in queries] == [("a", "- first step", False)]


def test_every_problem_of_a_csv_is_listed_not_only_the_first():
    data = b"id,text,harmful\na,one,perhaps\nb,,true\nc,three,false\nd,x,y,z\n"
    with pytest.raises(QueryFileError) as error:
        load_queries_csv(data, "f.csv")
    assert str(error.value).splitlines() == [
        "f.csv, row 2, column 'harmful': found the text 'perhaps', expected true or false",
        "f.csv, row 3, column 'text': is empty",
        "f.csv, row 5: 4 values for 3 columns; put a text with commas in double quotes",
    ]


def test_a_good_csv_keeps_quoted_commas_and_newlines_exactly():
    data = b'id,text\na,"Hello, world"\nb,"Two\nlines"\n'
    queries = load_queries_csv(data, "f.csv")
    assert [q.text for q in queries] == ["Hello, world", "Two\nlines"]


def test_jsonl_types_are_checked_and_each_problem_names_its_own_line():
    data = (
        b'{"text": null}\n'
        b"\n"  # a blank line still counts as a line
        b'{"text": {"nested": 1}}\n'
        b'{"text": "ok", "harmful": "maybe"}\n' + b"[" * 5000 + b"]" * 5000 + b"\n"
        b'{"text": "fine", "id": 7}\n'
        b"[1]\n"
        b'{"text": "x", "category": 3}\n'
    )
    with pytest.raises(QueryFileError) as error:
        load_queries_jsonl(data, "r.jsonl")
    assert str(error.value).splitlines() == [
        "r.jsonl, line 1, column 'text': found null, expected text",
        "r.jsonl, line 3, column 'text': found an object, expected text",
        "r.jsonl, line 4, column 'harmful': found the text 'maybe', expected true or false",
        "r.jsonl, line 5: JSON nested too deeply",
        "r.jsonl, line 7: found a list of 1, expected a JSON object",
        "r.jsonl, line 8, column 'category': found the number 3, expected text",
    ]


def test_jsonl_latin1_is_an_encoding_error():
    with pytest.raises(QueryFileError, match=r"line 2: found a byte that is not UTF-8"):
        load_queries_jsonl('{"text": "a"}\n{"text": "café"}\n'.encode("latin-1"), "r.jsonl")


def test_a_good_jsonl_keeps_its_values(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"text": "Hi", "id": 7, "harmful": false, "category": "c"}\n', "utf-8")
    [query] = load_queries_file(path)
    assert (query.id, query.text, query.harmful, query.category) == ("7", "Hi", False, "c")
