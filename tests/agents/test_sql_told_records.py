"""Readings of the record an INSERT question states (``_sql_record``), written on failed INSERTs of
held-out sets 7600 and 8000 and on the told-record scan of seed 93: one-character headers ('L',
'#') read before "=" or ":", and a noun of the sentence that is also a header's name ("insert the
album '2011'", "a new player: 60, ...") read as no pair; and a question that quotes one value per
column in the table's order read whole (``quoted_in_order``) for the repairs of a wrong value
count and of a wrong value; and a statement of an INSERT task with no repair of its own replaced
by the INSERT of the whole record the question states (``details["whole_record"]``)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_inserts, judged, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_pairing import mentions, norm
from cmat.agents.checkers._sql_record import record_mismatch, stated_record

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql"), [
    # "with # = 13; Company = Oakthorpe Retail Corporation; ...": 5 values for 6 columns
    (8000, 28, "INSERT INTO `Largest_companies_of_Tunisia` (`#`, `Company`, `Sector`, `Employees`, `Founded`, "
               "`Net income ($m)`) VALUES ('Oakthorpe Retail Corporation', 'Automotive', '58549', '1918', '6670');"),
    # "... pts = '51', l = '3' and club = 'Oldport Olympic'": `L` given the draws
    (7600, 26, "INSERT INTO `Final standings – Glenmarsh Cup 1964` (`Club`, `Draws`, `L`, "
               "`Goals against (1994–95)`, `Pts`, `Qualification or relegation`) "
               "VALUES ('Oldport Olympic', '12', '12', '73', '51', 'Champions');"),
])
def test_a_one_character_header_before_an_equals_sign_is_read(base: int, task: int, sql: str) -> None:
    """Both INSERTs failed on their sets: the reading found no `#` or `L`, so the value count could
    not be rebuilt and the wrong `L` was not held to its stated value."""
    for episode, env in task_env(heldout_inserts(base)[task - 20]):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and fixed == episode.data["label"][0].replace("\n", " ")  # type: ignore[index]
        assert judged(episode, fixed)


def test_a_one_character_header_is_named_only_before_an_equals_sign_or_a_colon() -> None:
    columns = ["A", "L", "Club"]
    assert [s.column for s in mentions(norm("a team with l = '3' and club = 'X'"), columns)] == ["L", "Club"]
    assert [s.column for s in mentions(norm("L: 3, A: 4"), columns)] == ["L", "A"]
    assert [s.column for s in mentions(norm("a club in L won a cup"), columns)] == ["Club"]


@pytest.mark.parametrize(("question", "gold"), [
    ('Please insert the award "2024" Ceremony year ("Lifetime Achievement", "Thandiwe T. Tolland" as its Winner, '
     '"Shadow of the Summer Crown", its Outcome being "Nominated", "Senegal" and "130,658") into `Best Album`.',
     {"Ceremony year": "2024", "Award": "Lifetime Achievement", "Winner": "Thandiwe T. Tolland",
      "Work": "Shadow of the Summer Crown", "Outcome": "Nominated", "Country": "Senegal"}),
    ("Please insert the album '2011' ('The Golden Tide', 'CD, LP', a peak chart position (uk) of '71', 'Gold' and "
     "release date '6 Jun 2004') into 'Albums'.",
     {"Released": "2011", "Album": "The Golden Tide", "Format(s)": "CD, LP", "Peak chart position (UK)": "71",
      "Certification": "Gold", "Release date": "6 Jun 2004"}),
    ("The squad table gets a new player: 60, Rafaela Lombardi, Goalkeeper, a nationality of Polish, "
     "September 1992 as its born, 56 goals and a transfer fee of £582,000.",
     {"Shirt number": "60", "Player": "Rafaela Lombardi", "Pos.": "Goalkeeper", "Nationality": "Polish",
      "Born": "September 1992", "Goals": "56", "Transfer fee": "£582,000"}),
    ("the `List of colleges in Latvia` table gets a new institution: Institution Linworth Conservatory, "
     "City 2019 Hartmoor, Religious, Glencrest Stars and 499.",
     {"Institution": "Linworth Conservatory", "City 2019": "Hartmoor", "Control": "Religious",
      "Nickname": "Glencrest Stars", "Campus (acres)": "499"}),
    ("Record the player 69 in the squad; it comes with Name Camille Lombardi, a Position of Sweeper, its Nat. being "
     "Latvian, September 24, 36 as its Caps, 21, Marmore Town as its Signed from and $25.1 million as its Fee.",
     {"Shirt number": "69", "Name": "Camille Lombardi", "Position": "Sweeper", "Nat.": "Latvian",
      "Date of birth": "September 24", "Caps": "36", "Goals": "21", "Signed from": "Marmore Town",
      "Fee": "$25.1 million"}),
])
def test_a_noun_of_the_sentence_and_a_number_before_a_value_are_no_pairs(question: str, gold: dict[str, str]) -> None:
    """Told records of seed 93 (``scripts/scan_change_rules.py --narrative 1.0 --seeds 93``) where
    the reading gave a wrong value, 3 of them a gold INSERT rejected: the first value after "the
    award" belongs to the header after it; "a new player:" opens the list; "21, Marmore Town as its
    Signed from" is two values. Every value read is the gold one (the reading may leave some out)."""
    record = stated_record(question, list(gold))
    assert {c: v for c, v in record.items() if gold[c] != v} == {}, record


def test_a_header_after_a_determiner_keeps_its_value_after_of_or_equals() -> None:
    """The dev set's "the rank of 23" and "the type of landscape" still read, and so does "=" or
    "set to" after "the"."""
    columns = ["Rank", "Type", "Club"]
    question = "The data includes the rank of 23, the type of landscape, and the club = 'FK Trakai'."
    assert stated_record(question, columns) == {"Rank": "23", "Type": "landscape", "Club": "FK Trakai"}


@pytest.mark.parametrize(("base", "task", "rule", "sql"), [
    # "a Name of 'Hartcombe Museum of Railway' ('Design', '802228' as its Annual visitors, '1946', ...)":
    # 7 values for 6 listed columns, `District (2002)` left out of the list
    (8000, 26, "insert_value_count",
     "INSERT INTO `Museums in Penley Upon Norwater` (`Name`, `Focus`, `Annual visitors`, `Opened`, `Curator`, "
     "`Admission (2003)`) VALUES ('Hartcombe Museum of Railway', 'Design', '802228', '1946', 'New Oakholm', "
     "'Fiona Stavros', 'Paid');"),
    # "'Chen Industries' as its Name, a company with 'Mining', '194.8', ...": 6 values for 7 columns
    (8000, 37, "insert_value_count",
     "INSERT INTO `Largest companies of Bolivia` (`Name`, `Sector`, `Revenue_(US$_billion)`, `Employees`, "
     "`Year_founded`, `Chief_executive`, `Share_of_market`) VALUES ('Chen Industries', 'Mining', '194.8', '76504', "
     "'1973', '2126');"),
    # "'Falhaven School of Arts' as its university, a location of 'New Garhurst', '1640', '38701' as its student
    # body and 'Religious'": `Established` and `Control` swapped, one of them stated next to no header
    (7800, 20, "value_not_as_stated",
     "INSERT INTO `List_of_colleges_in_Slovenia` (`University`, `Location`, `Established`, `Student body`, "
     "`Control`) VALUES ('Falhaven School of Arts', 'New Garhurst', '38701', 'Religious', '1640');"),
])
def test_values_quoted_in_the_tables_order_rebuild_the_row(base: int, task: int, rule: str, sql: str) -> None:
    """Failed INSERTs of held-out sets 7800 and 8000: the reading of values next to headers left
    columns out, so the value count could not be rebuilt, or the repair set only the one column
    it read; every value quoted in the table's order gives each column its own."""
    for episode, env in task_env(heldout_inserts(base)[task - 20]):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == rule and judged(episode, fixed), fixed


@pytest.mark.parametrize(("question", "expected"), [
    ("Insert into the 'Picks' table the values for Round, Pick and Player, which are '33', '336' and 'John Smith', "
     "respectively.", {"Round": "33", "Pick": "336", "Player": "John Smith"}),
    ("Add 'John Smith' with '33' for 'Round' and '336' for 'Pick'.", None),  # the pairs are not in the table's order
    ("Add '33', '336' and 'John Smith' as its Player, and 'QB'.", None),  # four values for three columns
])
def test_quoted_in_order_needs_one_value_per_column_and_the_pairs_in_place(
        question: str, expected: dict[str, str] | None) -> None:
    from cmat.agents.checkers._sql_record import quoted_in_order

    columns = ["Round", "Pick", "Player"]
    assert quoted_in_order(question, columns, "Picks", stated_record(question, columns, "Picks")) == expected


@pytest.mark.parametrize(("base", "task", "sql"), [
    # "Name: 'Amara Pryce', Term start: '1965-11-03', ...": `Name` listed twice, the database refuses it
    (8000, 32, "INSERT INTO `Minister_of_Finances_of_Morocco` (`Name`, `Term start`, `Born`, `Elected by`, "
               "`Constituency (2001)`, `Name`) VALUES ('Amara Pryce', '1965-11-03', '1882', 'Naoko Ramaswamy', "
               "'Millford', 'Amara Pryce');"),
    # "Nation: 'Indonesia', Rank: '32', Total: '20' and Team_size_(2003–04): '156'": a query that does not run
    (7600, 35, "SELECT `Nation` FROM `1970 New Redmouth Games medal table` WHERE `Rank` = '32', `Total` = '20', "
               "`Team_size_(2003–04)` = '156';"),
])
def test_a_statement_with_no_repair_of_an_insert_task_becomes_the_whole_records_insert(
        base: int, task: int, sql: str) -> None:
    """Failed INSERT tasks of held-out sets 7600 and 8000: the question states every column's
    value, and the statement the Assistant proposed cannot run and has no repair of its own."""
    entry = heldout_inserts(base)[task - 20]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.details.get("whole_record"), finding
        assert finding.rule == "dry_run_error" and judged(episode, fixed)
        off, _ = check_sql(episode, env, sql, SQLRuleChecker(check_record=False))
        assert off is not None and off.rule == "dry_run_error" and not off.details.get("whole_record")
    other = {**entry, "type": ["UPDATE"]}  # not an INSERT task: no whole record (an INSERT is the kind rule's)
    for episode, env in task_env(other):
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule in ("dry_run_error", "insert_for_update")
        assert not finding.details.get("whole_record")


def test_no_whole_record_insert_after_a_change_ran_or_without_a_whole_record() -> None:
    from cmat.agents.checker_base import CheckContext
    from cmat.types import Message

    entry = heldout_inserts(8000)[12]  # "Name: 'Amara Pryce', ...", every column stated
    sql = ("INSERT INTO `Minister_of_Finances_of_Morocco` (`Name`, `Name`) VALUES ('Amara Pryce', 'Amara Pryce');")
    reply = f"Action: Operation\n```sql\n{sql}\n```"
    done = [Message("assistant", "Action: Operation\n```sql\nINSERT INTO `Minister_of_Finances_of_Morocco` "
                                 "(`Name`) VALUES ('Amara Pryce');\n```"), Message("user", "[]")]
    for episode, env in task_env(entry):
        ctx = CheckContext(episode, str(episode.data["description"]), done, reply, env.parse(reply), env.name,
                           env.schema(), env.dry_run, env.peek)
        finding = FULL.find(ctx)
        assert finding is not None and finding.rule == "dry_run_error" and not finding.details.get("whole_record")
    told = {**entry, "description": "Record the officeholder Amara Pryce, born in 1882, in the table."}
    for episode, env in task_env(told):
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "dry_run_error" and not finding.details.get("whole_record")


@pytest.mark.parametrize(("base", "task", "sql"), [
    # "Brigton Museum of Local History for name, 721508 for visitors (2019), 1993 for opened and Eamon N.
    # Castellano for curator": '2019' (written in the question, inside a header) under `Curator`
    (7600, 20, "INSERT INTO `New_Yarrowbury_cultural_institutions` (`Name`, `Visitors (2019)`, `Opened`, `Curator`) "
               "VALUES ('Brigton Museum of Local History', '721508', '1993', '2019');"),
    # every value quoted in the table's order: 'April 1852' twice, 'Shared with ...' left out
    (7800, 31, "INSERT INTO `Ships built at the Westwood Upon Larkwater yard` (`Vessel`, `Country (2019)`, "
               "`Displacement (t)`, `Date lost`, `Fate`, `Crew size`, `Notes`) VALUES ('SS Dalhill Upon Trewater', "
               "'Vietnamese', '5,576', 'April 1852', 'April 1852', 'Wrecked', '721');"),
])
def test_a_whole_stated_record_holds_every_column(base: int, task: int, sql: str) -> None:
    """Held-out sets 7600 and 7800, INSERTs the update adapter ran with a wrong row: the question
    states every column's value, so a value in other words than its column's is wrong too (the
    reading of pairs alone lets a value the question writes elsewhere stand)."""
    for episode, env in task_env(heldout_inserts(base)[task - 20]):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "value_not_as_stated" and judged(episode, fixed), fixed
        off, _ = check_sql(episode, env, sql, SQLRuleChecker(check_record=False))
        assert off is None or off.rule != "value_not_as_stated"


def test_a_swapped_value_goes_back_to_the_column_no_reading_finds() -> None:
    """Seeds 91 and 92's `insert_swapped` scan, before the swap-back: `#` (one character, read only
    before "=" or ":") got '15 September 2015', the stated `Match date` got '27'; the repair wrote
    the date twice."""
    from cmat.agents.checkers._sql_ast import parse_statement
    from cmat.agents.checkers._sql_record import _has_words

    question = "record the following match in the table: '27' as the #; 'H' as the Venue (H/A); " \
               "'15 September 2015' as the Match date."
    schema = {"Season": ["#", "Match date", "Venue (H/A)"]}
    stmt = parse_statement("INSERT INTO `Season` (`#`, `Match date`, `Venue (H/A)`) "
                           "VALUES ('15 September 2015', '27', 'H');")
    assert stmt is not None
    finding = record_mismatch(stmt, question, schema)
    assert finding is not None and finding.details["fixed"] == \
        "INSERT INTO `Season` (`#`, `Match date`, `Venue (H/A)`) VALUES ('27', '15 September 2015', 'H');"
    assert _has_words("The Hidden Voyage: Remastered", "Remastered")
    assert _has_words("Green line, bus station", "Green line")
    assert not _has_words("15", "5") and not _has_words("22.2", "2") and not _has_words("HALIMA", "Halima")
