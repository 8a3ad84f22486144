"""Hand-made tables shared by the SQL backend tests (a uniquely named module: test folders share sys.path)."""

from __future__ import annotations

from cmat.envs.dbbench.backends import TableSpec

# Accents, case, trailing spaces, backslashes, quotes, NULLs, numbers stored as text.
PEOPLE = TableSpec(
    "wikisql",
    "People & Places",
    ("Name", "City", "Score", "Note", "Year", "Amount"),
    (
        ("Émile Zola", "Paris", "5,200", "writer", "1840", "12.50"),
        ("emile zola", "paris ", "12", None, "1902", "7.400"),
        ("ZOË", "Zürich", "7.5", "it's", "1999", "-3"),
        ("Zoe", "zurich", "abc", 'say "hi"', "2001", ""),
        ("Ångström", "Uppsala", " 12", "back\\slash", "1814", "1e3"),
        ("Straße", "Berlin", "007", "", "1990", "0.5"),
        ("strasse", "BERLIN", "-3", "a_b%c", "1990", None),
        ("Nguyễn", "Hà Nội", "100", "tab\there", "2010", "2.25"),
        ("O'Brien", "Dublin", "99.9", "new\nline", "1950", "1,000"),
        ("bob", "Austin", None, "x", None, "5"),
        ("Bob", "austin", "", "Y", "1970", "10"),
        ("ALICE", "Ōsaka", "1.5e3", "z", "1985", "3.3"),
    ),
)

# More than 200 rows: GROUP_CONCAT results pass the 1024-byte cut.
BIG = TableSpec(
    "wikitq",
    "big_table",
    ("id", "val", "grp"),
    tuple((str(i), f"v{(i * 7919) % 1000:03d}", ["a", "B", "c", "A "][i % 4]) for i in range(1, 251)),
)
