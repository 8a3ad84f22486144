"""INSERT repairs written on held-out set 10400's failed INSERT tasks: a number written with a mark
('19 #'), one value written for two columns ('16, 24'), an unknown column in the INSERT's list
(renamed, or the whole stated record after a first repair), and a header '#' read anywhere."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_inserts, judged, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_record import _written

FULL = SQLRuleChecker()
MAYORS = "INSERT INTO `Mayors of Kenya` (`#`, `Name`, `Term start`, `Political party`, `Year of birth`, " \
         "`Elected by`, `Electorate`) VALUES "
RESULTS = "INSERT INTO `1976 Lowland District Marathon results` (`Athlete`, `Club`, `Nationality`, `Time`, " \
          "`Start position`, `Pts`, `Car No.`) VALUES "


@pytest.mark.parametrize(("task", "sql", "rule"), [
    # "New in the `Mayors of Kenya` table: 19 #, an officeholder with its Name being Jonas Andersson, ..."
    (21, MAYORS + "('19 #', 'Jonas Andersson', '1854-09-19', 'Agrarian Front', '1912', 'Marcel Arkwright', "
                  "'Harstow');", "value_not_as_stated"),
    # "... (a club of Pryce Corporation, its nationality being Uruguayan, 2:15.00, 16, 24 and 57) ..."
    (37, RESULTS + "('Linnea Vasquez', 'Pryce Corporation', 'Uruguayan', '2:15.00', '16, 24', '16, 24', '57');",
     "value_not_as_stated"),
    # "... 'Anders Abernathy' as its Athlete, '35' and Bib_No. '17'.": a column of the INSERT's list renamed
    (20, "INSERT INTO `1997 Southern Isles Marathon results` (`Abernathy`, `Laps`, `Bib_No.`) VALUES "
         "('Anders Abernathy', '35', '17');", "unknown_column"),
    # "record the following player in the table: Rd. set to 3, Name set to Aaron Barzani, ...": one
    # column renamed, then the whole stated record for the next unknown column, which has no repair
    (26, "INSERT INTO `New Eldhaven Falcons draft picks (1972)` (`Rd. set to 3`, `Name set to Aaron Barzani`, "
         "`Drafted by set to Casholm Wanderers`) VALUES ('3', 'Aaron Barzani', '1972');", "unknown_column"),
    # "... '1953' as the founded; '20' as the #; ...": `#` read after "as the"
    (36, "INSERT INTO `2017 ranking of telecommunications companies` (`#`, `Name`, `Industry`, `Revenue (bn)`, "
         "`Staff`, `Founded`, `Chief executive`, `Net income ($m)`) VALUES ('179.5', 'Software', '4560', '1953', "
         "'221542', '179.5', 'Saarinen Partners');", None),
])
def test_failed_inserts_are_repaired_to_the_stated_record(task: int, sql: str, rule: str | None) -> None:
    entry = heldout_inserts(10400)[task - 20]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and (rule is None or finding.rule == rule)
        assert fixed and judged(episode, fixed)
        assert not judged(episode, sql)


@pytest.mark.parametrize(("task", "sql"), [
    # "... title: "The Last Carnival"; ...": the column's cells keep their double quotes
    (25, "INSERT INTO `Echo_of_the_Paper_Carnival_series_1_episodes` (`No. in series`, `Ep. no.`, `Title`, "
         "`Writer(s)`, `U.S. viewers (millions)`, `First broadcast`) VALUES ('18', '18', 'The Last Carnival', "
         "'Noor Varga', '15.60', '8 February 2015');"),
    (33, "INSERT INTO `The Island's Paper Hour (season 6)` (`No. in season`, `Episode title`, `Written by`, "
         "`Original air date`, `U.S. viewers (millions)`) VALUES ('34', 'A Lantern in Frostley', 'Elena Schreiber', "
         "'5 Mar 1994', '8.93');"),
])
def test_a_quoted_title_keeps_its_quotes_where_the_cells_have_them(task: int, sql: str) -> None:
    """Held-out set 10800: a title the question writes in double quotes, written bare."""
    entry = heldout_inserts(10800)[task - 20]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "value_not_as_stated"
        assert str(finding.details["stated"]).startswith('"') and "'\"" in fixed
        assert judged(episode, fixed) and not judged(episode, sql)


def test_a_longer_value_with_words_stays() -> None:
    """What a value adds must hold no letter or digit to be cut: the rule of the INSERT's own longer
    form ('Remastered' read for "The Hidden Voyage: Remastered") is unchanged."""
    question = "Add The Hidden Voyage: Remastered for title, 19 #, and 4."
    assert _written("Remastered", question, ["The Hidden Voyage: Remastered"], set(), False) \
        == "The Hidden Voyage: Remastered"
    assert _written("19", question, ["19 #"], set(), False) == "19"
    assert _written("4", question, ["4."], set(), False) == "4"
