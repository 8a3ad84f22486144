"""Differential test: every statement of a corpus gives the same observation on SQLite and MariaDB.

The corpus covers what DBBench agents write (lookups, counting, comparison, ranking, SUM/MIN/
MAX/AVG, INSERT/UPDATE/DELETE, typical mistakes) over dev tables and hand-made tables with
accents, case, trailing spaces, backslashes, quotes, NULLs, numbers stored as text and a 250-row
table (GROUP_CONCAT's 1024-byte cut). Scripts run in order on fresh databases; outputs and the
final md5 table hash must agree. Statements where MariaDB itself differs from MySQL 8 are not
here: test_backends_mysql8.py pins the SQLite (MySQL 8) behaviour for those.
"""

from __future__ import annotations

from typing import Any

import pytest
from _db_tables import BIG, PEOPLE

from cmat.envs.dbbench.backends import TableSpec

pytestmark = pytest.mark.mariadb
P = "`People & Places`"

PEOPLE_SELECT = [
    f"SELECT * FROM {P}",
    f"SELECT Name FROM {P} WHERE Name = 'emile zola'",
    f"SELECT Name FROM {P} WHERE Name = 'EMILE ZOLA '",
    f"SELECT Name, City FROM {P} WHERE City = 'paris'",
    f"SELECT Name FROM {P} WHERE Name = 'zoe'",
    f"SELECT Name FROM {P} WHERE Name = 'strasse'",
    f"SELECT Name FROM {P} WHERE Name LIKE '%zola%'",
    f"SELECT Name FROM {P} WHERE Name LIKE 'z_e'",
    f"SELECT Name FROM {P} WHERE Note LIKE '%\\_%'",
    f"SELECT Name FROM {P} WHERE Note LIKE '%\\\\\\\\%'",
    f"SELECT Name FROM {P} WHERE Note LIKE 'a|_b%' ESCAPE '|'",
    f"SELECT Name FROM {P} WHERE Name NOT LIKE '%o%'",
    f"SELECT Name, Score FROM {P} WHERE Score > 10",
    f"SELECT Name, Score FROM {P} WHERE Score = 5",
    f"SELECT Name, Score FROM {P} WHERE Score = '12'",
    f"SELECT Name, Score FROM {P} WHERE Score < 0",
    f"SELECT Name FROM {P} WHERE Score = 0",
    f"SELECT COUNT(*) FROM {P}",
    f"SELECT COUNT(Score), COUNT(DISTINCT Name), COUNT(DISTINCT City) FROM {P}",
    f"SELECT SUM(Score), AVG(Score), MIN(Score), MAX(Score) FROM {P}",
    f"SELECT SUM(Amount), AVG(Amount), MIN(Amount + 0), MAX(Amount * 1) FROM {P}",
    f"SELECT MAX(Name), MIN(Name), MAX(City), MIN(City) FROM {P}",
    f"SELECT Name FROM {P} ORDER BY Name",
    f"SELECT Name FROM {P} ORDER BY Name DESC",
    f"SELECT City FROM {P} ORDER BY City, Name",
    f"SELECT Name, Score FROM {P} ORDER BY Score + 0 DESC, Name",
    f"SELECT Name, Score FROM {P} ORDER BY Score DESC LIMIT 3",
    f"SELECT Name FROM {P} ORDER BY Year DESC, Name LIMIT 2, 3",
    f"SELECT Name FROM {P} LIMIT 1 OFFSET 2",
    f"SELECT DISTINCT City FROM {P} ORDER BY City",
    f"SELECT DISTINCT Year FROM {P}",
    f"SELECT City, COUNT(*) FROM {P} GROUP BY City ORDER BY City",
    f"SELECT Year, COUNT(*) AS n FROM {P} GROUP BY Year HAVING n > 1 ORDER BY Year",
    f"SELECT Year, COUNT(*) FROM {P} GROUP BY Year HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, Year",
    f"SELECT Name, Year FROM {P} WHERE Year BETWEEN 1900 AND 2000 ORDER BY Year, Name",
    f"SELECT Name FROM {P} WHERE Year IN (1990, 2001) ORDER BY Name",
    f"SELECT Name FROM {P} WHERE City IN ('PARIS', 'berlin') ORDER BY Name",
    f"SELECT Name FROM {P} WHERE Year IN ('1990', 2001) ORDER BY Name",
    f"SELECT Name FROM {P} WHERE Note IS NULL",
    f"SELECT Name FROM {P} WHERE Note IS NOT NULL AND Note <> '' ORDER BY Name",
    f"SELECT Name, Note FROM {P} WHERE Note = 'it\\'s'",
    f'SELECT Name, Note FROM {P} WHERE Note = "say \\"hi\\""',
    f"SELECT Name, Note FROM {P} WHERE Note = 'back\\\\slash'",
    f"SELECT CONCAT(Name, ' (', City, ')') FROM {P} WHERE Year = 1990",
    f"SELECT CONCAT_WS('-', Name, Note, Year) FROM {P} ORDER BY Name LIMIT 4",
    f"SELECT UPPER(Name), LOWER(City), LENGTH(Name), CHAR_LENGTH(Name) FROM {P} ORDER BY Name",
    (
        "SELECT LEFT(Name, 3), RIGHT(City, 2), SUBSTRING(Name, 2, 3), SUBSTRING_INDEX(City, ' ', 1) "
        f"FROM {P} ORDER BY Name"
    ),
    f"SELECT Name, LOCATE('o', Name), INSTR(Name, 'Z') FROM {P} ORDER BY Name",
    f"SELECT REPLACE(Name, 'o', '0'), TRIM(City), REVERSE(Name) FROM {P} ORDER BY Name",
    f"SELECT Name, IF(Score > 10, 'high', 'low'), IFNULL(Note, 'none') FROM {P} ORDER BY Name",
    (
        "SELECT Name, CASE WHEN Year < 1900 THEN 'old' WHEN Year < 2000 THEN 'mid' ELSE 'new' END "
        f"FROM {P} ORDER BY Name"
    ),
    (
        f"SELECT CAST(Score AS SIGNED), CAST(Score AS DECIMAL(10,2)), CAST(Year AS UNSIGNED) FROM {P} "
        "ORDER BY Name"
    ),
    f"SELECT Score + 1, Score * 2, Score / 4, Score DIV 2, Score MOD 5 FROM {P} ORDER BY Name",
    f"SELECT ROUND(Score), ROUND(Score, 1), ROUND(Amount, 1) FROM {P} ORDER BY Name",
    f"SELECT Year - 1900, Year / 10, SUM(Year) FROM {P} GROUP BY Year ORDER BY Year",
    f"SELECT GROUP_CONCAT(Name ORDER BY Name SEPARATOR '; ') FROM {P}",
    f"SELECT City, GROUP_CONCAT(DISTINCT Year ORDER BY Year DESC) FROM {P} GROUP BY City ORDER BY City",
    f"SELECT GROUP_CONCAT(DISTINCT City) FROM {P}",
    f"SELECT GROUP_CONCAT(City ORDER BY Year) FROM {P}",
    f"SELECT GROUP_CONCAT(DISTINCT City ORDER BY Year) FROM {P}",
    f"SELECT Name FROM {P} WHERE Name REGEXP '^[a-e]' ORDER BY Name",
    f"SELECT Name FROM {P} WHERE Score <=> NULL",
    f"SELECT Name, Year FROM {P} WHERE Year = (SELECT MAX(Year) FROM {P})",
    f"SELECT Name FROM {P} WHERE Year > (SELECT AVG(Year) FROM {P}) ORDER BY Name",
    f"SELECT Name FROM {P} WHERE Year IN (SELECT Year FROM {P} WHERE City = 'berlin') ORDER BY Name",
    f"SELECT COUNT(*) FROM (SELECT DISTINCT City FROM {P}) AS t",
    f"SELECT MAX(n) FROM (SELECT City, COUNT(*) AS n FROM {P} GROUP BY City) AS c",
    f"SELECT p.Name, q.Name FROM {P} p JOIN {P} q ON p.Year = q.Year AND p.Name < q.Name ORDER BY p.Name",
    f"SELECT Name, (SELECT COUNT(*) FROM {P} q WHERE q.Year = p.Year) FROM {P} p WHERE Year = 1990",
    f"SELECT Name FROM {P} WHERE EXISTS (SELECT 1 FROM {P} WHERE Year > 2005) AND Year = 1990",
    f"SELECT Name FROM {P} WHERE Name = 'bob' UNION SELECT City FROM {P} WHERE City = 'paris' ORDER BY 1",
    f"SELECT Name FROM {P} WHERE Name = 'bob' UNION ALL SELECT Name FROM {P} WHERE Name = 'BOB'",
    "SELECT 1 + 1, 1.5 * 2, 10 / 4, 7 DIV 2, 7 % 3, -5, 2.50 + 0.5, 1e2",
    "SELECT 'abc' = 'ABC', 'abc' < 'abd', 'a' = 'a ', 'é' = 'E', 1 = '1', '10' < '9', 10 < 9",
    "SELECT NULL, TRUE, FALSE, NULL IS NULL, 5 BETWEEN 1 AND 10",
    (
        "SELECT CONCAT(10/4), CONCAT(1/3), CONCAT(1.5 * 2), CONCAT(ROUND(10/4, 2)), 10/4 + 1, CONCAT(7.5 "
        "DIV 2)"
    ),
    "SELECT CONCAT(1e14), CONCAT(1e15), CONCAT(0.1e0 + 0.2e0), CONCAT(1.5e-7), CONCAT(-1e-100)",
    "SELECT LOCATE('É', 'xé'), LOCATE('e', 'é'), LOCATE('SS', 'ß'), LOCATE('z', 'xZ'), LOCATE('', 'abc')",
    (
        "SELECT ROUND(2.5e0), ROUND(2.345e0, 2), ROUND(2.355, 2), ROUND(1234.5, -2), ROUND(15, -1), "
        "TRUNCATE(2.567, 1)"
    ),
    "SELECT '1e3' + 0, ' 12 ' + 0, '.5' + 0, '1e' + 0, '-' + 0, '0x1A' + 0, '1,000' + 0, '1.5.6' + 0",
    (
        "SELECT CAST('12abc' AS SIGNED), CAST(' 3.7' AS DECIMAL(10,2)), CAST(3.7 AS SIGNED), "
        "CAST(2.5e0 AS SIGNED)"
    ),
    (
        "SELECT LPAD('5', 3, '0'), REPEAT('ab', 2), STRCMP('a', 'A'), FIND_IN_SET('b', 'a,b,c'), "
        "FORMAT(1234567.891, 2)"
    ),
    (
        "SELECT GREATEST(1, '2', 3), LEAST('a', 'B'), GREATEST(1, 2.5), UPPER('ß'), MOD(7.5, 2), "
        "SQRT(16), POW(2, 3)"
    ),
    "SELECT YEAR('2011-05-03'), MONTH('2011-05-03'), STR_TO_DATE('March 19, 1998', '%M %d, %Y')",
    "SELECT DATE_FORMAT('2011-05-03', '%M %d, %Y'), DATEDIFF('2011-05-03', '2011-05-01'), DATABASE()",
]

PEOPLE_ERRORS = [
    "SELECT Name FROM `people & places`",
    f"SELECT Foo FROM {P}",
    f"SELECT Name FROM {P} WHERE foo = 1",
    f"SELECT Name FROM {P} ORDER BY foo",
    f"SELECT Name FROM {P} GROUP BY foo",
    f"SELECT name, city FROM {P} WHERE NAME = 'bob'",
    f"SELECT {P}.Name FROM {P} WHERE Year = 1970",
    f"SELECT wikisql.{P}.Name FROM wikisql.{P} WHERE Year = 1814",
    f"SELECT x.Name FROM {P}",
    f"SELECT Name AS n FROM {P} WHERE n = 'bob'",
    f"SELECT Name, Year FROM {P} AS p WHERE p.Year = 1990 ORDER BY p.Name",
    "SELECT * FROM People & Places",
    f"SELECT Name FROM {P} WHERE Name = 'bob' AND",
    f"SELECT Name FRM {P}",
    f"SELECT COUNT(*) FROM {P} WHERE COUNT(*) > 1",
    f"SELECT foo(Name) FROM {P}",
    "SELECT 1; SELECT 2",
    f"SELECT Name FROM {P} WHERE Year = (SELECT Year FROM {P})",
    f"SELECT Name FROM {P} WHERE Name = 'bob' OR",
    f"SELECT Name FROM {P} WHERE",
    f"SELECT Name FROM {P} ORDER BY",
    "SELECT Name FROM",
    f"SELECT Name, FROM {P}",
    f"SELECT COUNT(* FROM {P}",
    f"SELECT Name FROM {P} WHERE Name = 'bob",
    f"SELECT Name FROM {P} WHERE Year > 1900 LIMIT",
    f"SELECT Name FROM {P} GROUP Year",
    f"SELECT Name FROM {P} WHERE Name == 'bob'",
    f"SELECT TOP 3 Name FROM {P}",
    f'SELECT Name FROM {P} WHERE Name = "bob"',
    f"SELECT Name Score FROM {P}",
    f"SELECT Name FROM {P} WHERE City = paris",
    f"SELECT Name FROM {P} WHRE Name = 'bob'",
    f"SELECT Name FROM {P} WHERE Name = 'bob' LIMT 1",
    f"SELECT Name FROM {P} ORDER Name",
    f"SELECT Name FROM {P} WHERE Name = 'bob')",
    f"SELECT (Name FROM {P}",
    f"SELECT Name FROM {P} WHERE Name IN ('bob', 'x'",
    f"SELECT Name FROM {P} WHERE City = 'paris' AND AND Year > 1",
    f"SELECT Name FROM {P} WHERE Year > > 1",
    f"SELECT COUNT(*) FROM {P} GROUP BY",
    f"SELECT Name, COUNT( FROM {P}",
    f"SELECT DISTINCT FROM {P}",
    f"SELECT * FROM {P} LIMIT 'a'",
    f"SELECT Name FROM {P} WHERE Name = 'O'Brien'",
    f"SELECT Name FROM {P} WHERE Name = 'it''s' OR Name = \"O'Brien\"",
    f"SELECT `Name` FROM {P} WHERE `City` = `Paris`",
    f"SELECT Name FROM {P}\nWHERE Year >",
    f"SELECT Name FROM {P} -- comment",
    f"SELECT Name FROM {P} # comment",
    f"SELECT Name /* c */ FROM {P} WHERE Year = 1990",
    f"SELECT Name FROM {P} WHERE Year = 1990;",
    f'SELECT Name FROM {P} WHERE Name LIKE "%o%" AND Year < "1950" ORDER BY Name',
    f"SELECT * FROM {P} WHERE 1 LIMIT 2",
    f"SELECT Name FROM {P} WHERE Name ORDER BY Name",
    f"SELECT COUNT(*) count FROM {P}",
    f"SELECT Name AS 'the name' FROM {P} LIMIT 1",
    f"SELECT Year AS y, COUNT(*) AS c FROM {P} GROUP BY y ORDER BY c DESC, y LIMIT 2",
    f"SELECT Name FROM {P} ORDER BY 1 DESC LIMIT 2",
    f"SELECT City, Name FROM {P} GROUP BY 1, 2 ORDER BY 2 LIMIT 3",
    f"SELECT Name FROM other.{P}",
    f"INSERT INTO {P} (Name VALUES ('x')",
    f"INSERT INTO {P} (Name) VALUES ('x'),",
    f"UPDATE {P} Name = 'x'",
    f"UPDATE {P} SET",
    f"UPDATE {P} SET Name = 'x' WHERE",
    f"DELETE {P} WHERE Name = 'x'",
    f"DELETE FROM {P} WHERE",
]

PEOPLE_MUTATIONS = [
    f"INSERT INTO {P} VALUES ('New', 'Town', 42, 7.400, 2020, 1e3)",
    f"INSERT INTO {P} (Name, City) VALUES ('Solo', NULL), ('Duo', 'x')",
    f"INSERT INTO {P} (Name, Score, Amount) VALUES ('Calc', 1 + 2, 10 / 4)",
    f"INSERT INTO {P} (Name, Score) VALUES ('Neg', -0.50)",
    f"INSERT INTO {P} (Name, Score) VALUES ('Dbl', 0.1e0 + 0.2e0)",
    f"INSERT INTO {P} (Name, Note) VALUES ('Esc', 'a\\'b\\\\c\\nd')",
    f'INSERT INTO {P} (name, city) VALUES ("dq", "quoted")',
    f"INSERT INTO {P} (Name) VALUES ('a', 'b')",
    f"INSERT INTO {P} (Nope) VALUES ('a')",
    f"INSERT INTO {P} VALUES ('only', 'three', 'values')",
    "INSERT INTO `people & places` (Name) VALUES ('x')",
    f"INSERT INTO {P} (Name) VALUES ('abc' + 1)",
    f"INSERT INTO {P} (Name) VALUES (' 12 ' + 1), ('1e3' + 1)",
    f"INSERT INTO {P} (Name) VALUES ('12abc' + 1)",
    f"INSERT INTO {P} (Name) VALUES (CAST('12abc' AS SIGNED))",
    f"INSERT INTO {P} (Name) VALUES (1/0)",
    f"INSERT INTO {P} (Name) VALUES (1 DIV 0)",
    f"INSERT INTO {P} (Name) VALUES (CAST('abc' AS DECIMAL(5,2)))",
    f"INSERT INTO {P} (Name) VALUES (ROUND('abc'))",
    f"INSERT INTO {P} (Name) VALUES (IF('abc', 1, 2))",
    f"INSERT INTO {P} (Name) VALUES (CONCAT(10/4)), (10/4), (5.0/2), (CONCAT(1.5 * 2)), (ROUND(10/4, 2))",
    f"UPDATE {P} SET Score = Score + 1 WHERE Name = 'bob'",
    f"UPDATE {P} SET Score = '50', Note = NULL WHERE City = 'berlin'",
    f"UPDATE {P} SET Note = 'hit' WHERE Score > 10",
    f"UPDATE {P} SET Note = 'hit' WHERE Score + 0 > 10",
    f"UPDATE {P} SET Year = 1991 WHERE Year = 1990 LIMIT 1",
    f"UPDATE {P} SET Note = CONCAT(Note, '!') WHERE Note LIKE '%e%'",
    f"UPDATE {P} SET Score = 1, Amount = Score WHERE Name = 'Zoe'",
    f"UPDATE {P} SET Nope = 1",
    f"UPDATE {P} SET Name = 'x' WHERE Nope = 1",
    f"UPDATE {P} SET City = UPPER(City) ORDER BY Name DESC LIMIT 2",
    f"UPDATE {P} SET Note = Year / 0 WHERE Name = 'bob'",
    f"UPDATE {P} SET Note = 'x' WHERE Score LIKE '1%'",
    f"DELETE FROM {P} WHERE Name = 'ALICE'",
    f"DELETE FROM {P} ORDER BY Year LIMIT 1",
    f"DELETE FROM {P} WHERE Nope = 2",
    f"INSERT INTO {P} (Name, Year) SELECT CONCAT(Name, '2'), Year + 1 FROM {P} WHERE City = 'paris'",
    f"UPDATE {P} SET Score = 7.400 WHERE Name = 'New'",
    f"SELECT * FROM {P}",
]

BIG_SCRIPT = [
    "SELECT COUNT(*), COUNT(DISTINCT grp), COUNT(DISTINCT val) FROM big_table",
    "SELECT grp, COUNT(*), MIN(val), MAX(val) FROM big_table GROUP BY grp ORDER BY grp",
    "SELECT GROUP_CONCAT(val) FROM big_table",
    "SELECT GROUP_CONCAT(val ORDER BY val DESC SEPARATOR '') FROM big_table",
    "SELECT grp, LENGTH(GROUP_CONCAT(id)) FROM big_table GROUP BY grp ORDER BY grp",
    "SELECT SUM(id), AVG(id), SUM(id * 1), AVG(id + 0.5) FROM big_table",
    "SELECT id FROM big_table WHERE id > 245",
    "SELECT id FROM big_table WHERE id > '245'",
    "SELECT id FROM big_table ORDER BY id DESC LIMIT 3",
    "SELECT id FROM big_table ORDER BY id + 0 DESC LIMIT 3",
    "SELECT * FROM big_table",
    "SELECT id, val FROM big_table WHERE grp = 'a' AND id < 20",
    "SELECT DISTINCT grp FROM big_table",
    "DELETE FROM big_table WHERE id % 3 = 0",
    "SELECT COUNT(*) FROM big_table",
    "UPDATE big_table SET val = 'zzz' WHERE grp = 'b'",
    "SELECT COUNT(*) FROM big_table WHERE val = 'ZZZ'",
]

DEV_SCRIPTS: dict[int, list[str]] = {
    4: [
        "SELECT COUNT(Game) AS TotalGames FROM `Game Schedule` WHERE Opponent='Athlone Town';",
        "SELECT * FROM `Game Schedule` WHERE Opponent = 'athlone town'",
        (
            "SELECT Game, Date, Attendance FROM `Game Schedule` WHERE Attendance <> '—' ORDER BY "
            "Attendance DESC LIMIT 3"
        ),
        "SELECT Opponent FROM `Game Schedule` WHERE Venue = 'Home' AND Result LIKE '2%'",
        "SELECT COUNT(*) FROM `Game Schedule` WHERE Opponent LIKE '%Vitoria%'",
        "SELECT Venue, COUNT(*) AS n FROM `Game Schedule` GROUP BY Venue ORDER BY n DESC, Venue",
        "SELECT SUM(Attendance) FROM `Game Schedule`",
        "SELECT MAX(Game) FROM `Game Schedule`",
        "SELECT MAX(Game + 0) FROM `Game Schedule`",
    ],
    10: [
        (
            "SELECT `Call sign` FROM `Radio Stations` WHERE Class='D' AND `Frequency MHz` <107.7 AND "
            "`ERP W` <232;"
        ),
        "SELECT `Call sign`, `ERP W` FROM `Radio Stations` WHERE `ERP W` > 1000 ORDER BY `ERP W` + 0 DESC",
        "SELECT AVG(`Frequency MHz`), MIN(`Frequency MHz`), MAX(`Frequency MHz`) FROM `Radio Stations`",
        "SELECT Class, COUNT(*) FROM `Radio Stations` GROUP BY Class ORDER BY Class",
        "SELECT `City of license` FROM `Radio Stations` WHERE `Call sign` = 'kjrl'",
        "SELECT COUNT(DISTINCT `City of license`) FROM `Radio Stations`",
        (
            "SELECT `Call sign` FROM `Radio Stations` WHERE `Frequency MHz` BETWEEN 88 AND 90 ORDER "
            "BY `Frequency MHz`"
        ),
        "SELECT Call sign FROM `Radio Stations`",
        "SELECT `Call Sign` FROM `Radio Stations` LIMIT 2",
        "SELECT `Call sign` FROM `radio stations`",
    ],
    12: [
        "SELECT Player FROM football_stats WHERE Points = '11' ORDER BY Touchdowns ASC LIMIT 1;",
        "SELECT Player, Touchdowns FROM football_stats WHERE Points = 11 ORDER BY Touchdowns ASC",
        "SELECT SUM(Points), SUM(Touchdowns * 5), AVG(`Extra points`) FROM football_stats",
        (
            "SELECT Position, SUM(Points) FROM football_stats GROUP BY Position ORDER BY SUM(Points) "
            "DESC, Position"
        ),
        "SELECT Player FROM football_stats WHERE Starter = 'yes' AND Touchdowns >= 2 ORDER BY Player",
        "SELECT Player, Points FROM football_stats ORDER BY Points DESC LIMIT 3",
        "SELECT Player, Points FROM football_stats ORDER BY CAST(Points AS SIGNED) DESC LIMIT 3",
        "SELECT Player FROM football_stats WHERE Points = (SELECT MAX(Points + 0) FROM football_stats)",
        "SELECT COUNT(*) FROM football_stats WHERE `Field goals` > 0",
    ],
    14: [
        "SELECT SUM(Ends) FROM football_players WHERE `Transfer fee` = '£8.5m';",
        "SELECT Name, `Transfer fee` FROM football_players WHERE `Transfer fee` LIKE '£%' ORDER BY Name",
        "SELECT `Nat.`, COUNT(*) FROM football_players GROUP BY `Nat.` HAVING COUNT(*) > 1 ORDER BY `Nat.`",
        "SELECT Name FROM football_players WHERE Since < 2006 ORDER BY Since, Name",
        "SELECT AVG(Goals), SUM(Goals), MAX(Goals) FROM football_players",
        "SELECT Name, `App(GS/Sub)` FROM football_players WHERE `App(GS/Sub)` LIKE '1_ (%' ORDER BY Name",
        "SELECT Name FROM football_players WHERE Nat. = 'USA'",
        (
            "SELECT SUBSTRING_INDEX(`App(GS/Sub)`, ' ', 1) AS apps, Name FROM football_players "
            "ORDER BY apps + 0 DESC, Name LIMIT 3"
        ),
    ],
    16: [
        "SELECT MIN(Round) FROM `Race Results` WHERE `Fastest Lap` = 'Takashi Kogure';",
        "SELECT Round, Circuit FROM `Race Results` WHERE `Winning Driver` = 'Loic Duval' ORDER BY Round",
        (
            "SELECT `Winning Team`, COUNT(*) AS wins FROM `Race Results` GROUP BY `Winning Team` "
            "ORDER BY wins DESC, `Winning Team`"
        ),
        "SELECT Circuit FROM `Race Results` WHERE `Pole Position` = `Winning Driver` ORDER BY Circuit",
        "SELECT DISTINCT Circuit FROM `Race Results` ORDER BY Circuit DESC",
        "SELECT Date FROM `Race Results` WHERE Round = '3'",
        "SELECT GROUP_CONCAT(`Winning Driver` ORDER BY Round + 0 SEPARATOR ', ') FROM `Race Results`",
    ],
    18: [
        "SELECT MAX(Attendance) FROM Baseball_Team_Record WHERE Record = '15-28';",
        "SELECT MAX(Attendance) FROM `Baseball Team Record` WHERE Record = '15-28'",
        "SELECT MAX(REPLACE(Attendance, ',', '') + 0) FROM `Baseball Team Record`",
        "SELECT Date, Opponent FROM `Baseball Team Record` WHERE Opponent LIKE '@%' ORDER BY Date LIMIT 5",
        "SELECT COUNT(*) FROM `Baseball Team Record` WHERE Loss LIKE '%(1-%'",
        (
            "SELECT Opponent, COUNT(*) FROM `Baseball Team Record` GROUP BY Opponent ORDER BY "
            "COUNT(*) DESC, Opponent LIMIT 3"
        ),
        "SELECT Score, LEFT(Score, LOCATE('-', Score) - 1) AS runs FROM `Baseball Team Record` LIMIT 4",
    ],
    19: [
        "SELECT AVG(Total)FROM Olympic_medal_countsWHERE Gold = 0 AND Nation = 'Iran';",
        "SELECT AVG(Total) FROM Olympic_medal_counts WHERE Gold = 0 AND Nation = 'Iran'",
        (
            "SELECT Nation, Gold + Silver + Bronze AS medals, Total FROM Olympic_medal_counts ORDER "
            "BY medals DESC, Nation LIMIT 5"
        ),
        "SELECT SUM(Gold), SUM(Silver), SUM(Bronze), SUM(Total) FROM Olympic_medal_counts",
        "SELECT `Rank`, Nation FROM Olympic_medal_counts WHERE Gold > 0 ORDER BY `Rank` + 0",
        (
            "SELECT Nation FROM Olympic_medal_counts WHERE Total = (SELECT MAX(Total + 0) FROM "
            "Olympic_medal_counts)"
        ),
    ],
    21: [
        "SELECT * FROM `Football Standings` WHERE Club = 'FSK Anyksciai'",
        "SELECT Club, Points FROM `Football Standings` ORDER BY Points + 0 DESC LIMIT 3",
        (
            "INSERT INTO `Football Standings` (`Position`, `Club`, `Games played`, `Wins`, `Draws`, "
            "`Loses`, `Goals scored`, `Goals conceded`, `Points`) "
            "VALUES (10, 'FK Trakai', 18, 9, 2, 7, 29, 24, 29);"
        ),
        "UPDATE `Football Standings` SET Points = Points + 3, Wins = Wins + 1 WHERE Club = 'FK Trakai'",
        "SELECT * FROM `Football Standings` WHERE Club LIKE 'FK%'",
        "DELETE FROM `Football Standings` WHERE Club = 'Spyris Kaunas'",
        "SELECT COUNT(*), SUM(Points), AVG(Wins) FROM `Football Standings`",
    ],
    26: [
        (
            "INSERT INTO `Shipping Incidents` (`Date`, `Name`, `Nationality`, `Tonnage (GRT)`, "
            "`Fate`) VALUES ('2 January 1944', 'Willem van der Zaan', 'Netherlands', '5,200', 'Sunk')"
        ),
        "SELECT Name FROM `Shipping Incidents` WHERE `Tonnage (GRT)` > 5000 ORDER BY Name",
        (
            "SELECT Name, `Tonnage (GRT)` FROM `Shipping Incidents` WHERE Fate = 'sunk' ORDER BY "
            "`Tonnage (GRT)`"
        ),
        (
            "SELECT Nationality, COUNT(*) FROM `Shipping Incidents` GROUP BY Nationality HAVING "
            "COUNT(*) >= 1 ORDER BY Nationality"
        ),
        "UPDATE `Shipping Incidents` SET Fate = 'Sunk' WHERE Name = 'Sea Breeze'",
        (
            "SELECT Date FROM `Shipping Incidents` WHERE YEAR(STR_TO_DATE(Date, '%d %M %Y')) = 1943 "
            "ORDER BY Name"
        ),
        "SELECT STR_TO_DATE(Date, '%d %M %Y') FROM `Shipping Incidents` LIMIT 3",
    ],
    53: [
        (
            "UPDATE `Nation Scores Table` SET `E Score` = '7.400', `Total` = '22.950' WHERE `Nation` = "
            "'Japan';"
        ),
        "UPDATE `Nation Scores Table` SET `E Score` = 7.400, `Total` = 22.950 WHERE `Nation` = 'Japan'",
        "SELECT Nation, Total FROM `Nation Scores Table` ORDER BY Total DESC LIMIT 3",
        (
            "SELECT Nation FROM `Nation Scores Table` WHERE `T Score` + `A Score` + `E Score` - "
            "`Pen.` = Total ORDER BY Nation"
        ),
        "SELECT ROUND(AVG(Total), 3), MAX(`Pen.`), SUM(`Pen.`) FROM `Nation Scores Table`",
        "SELECT Nation, `T Score` * 2 FROM `Nation Scores Table` WHERE Nation IN ('Ukraine', 'russia')",
        "SELECT COUNT(*) FROM `Nation Scores Table` WHERE `E Score` = 7.6",
        "SELECT COUNT(*) FROM `Nation Scores Table` WHERE `E Score` = '7.6'",
    ],
}


# Statements where MariaDB 10.11 itself differs from MySQL 8 (so SQLite cannot agree with both);
# test_backends_mysql8.py pins the MySQL 8 behaviour the SQLite backend gives for each kind.
MARIADB_DIFFERS = [
    ("SELECT Year, COUNT(*) FROM t GROUP BY Year", "MariaDB sorts groups, MySQL 8 keeps first appearance"),
    ("SELECT Player, MAX(Points) FROM t", "the texts of 1140 and 1055 differ"),
    ("SELECT a, MAX(b) FROM t WHERE a = 'x'", "MySQL 8: a = constant is functionally dependent"),
    ("SELECT Rank FROM t", "RANK, OF, ROWS, ... are reserved words in MySQL 8 only"),
    ("... WHERE x = (SELECT a, b ...)", "MySQL 8: 1241 Operand should contain 1 column(s)"),
    ("DELETE ... WHERE text_col = 5", "MySQL 8 strict mode errs (1292) in DELETE too"),
    ("UPDATE ... WHERE text_col > 10", "1292 says DOUBLE in MySQL 8, DECIMAL in MariaDB"),
]


def _same(text: str) -> str:
    """MariaDB compares text with integers as DECIMAL, MySQL 8 as DOUBLE: only the word differs."""
    return text.replace("Truncated incorrect DECIMAL value", "Truncated incorrect DOUBLE value")


def _compare(make_backend: Any, table: TableSpec, statements: list[str]) -> tuple[int, list[str]]:
    sqlite, mariadb = make_backend("sqlite", table), make_backend("mariadb", table)
    problems = []
    for sql in statements:
        ours, theirs = sqlite.execute(sql), mariadb.execute(sql)
        if _same(ours) != _same(theirs):
            problems.append(f"{sql}\n  sqlite : {ours}\n  mariadb: {theirs}")
    ours, theirs = sqlite.table_hash(table), mariadb.table_hash(table)
    if ours != theirs:
        problems.append(f"table hash after the script: sqlite {ours}, mariadb {theirs}")
    return len(statements) + 1, problems


SCRIPTS = {
    "people-select": (PEOPLE, PEOPLE_SELECT),
    "people-errors": (PEOPLE, PEOPLE_ERRORS),
    "people-mutations": (PEOPLE, PEOPLE_MUTATIONS),
    "big-table": (BIG, BIG_SCRIPT),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_handmade_tables_agree(make_backend: Any, name: str) -> None:
    table, statements = SCRIPTS[name]
    compared, problems = _compare(make_backend, table, statements)
    assert not problems, f"{len(problems)} of {compared} disagree:\n" + "\n".join(problems)


@pytest.mark.parametrize("index", sorted(DEV_SCRIPTS))
def test_dev_tables_agree(make_backend: Any, dev_entries: Any, index: int) -> None:
    entry = dev_entries[index]
    statements = DEV_SCRIPTS[index] + ([entry["sql"]["query"]] if "sql" in entry else entry["label"])
    compared, problems = _compare(make_backend, TableSpec.from_entry(entry), statements)
    assert not problems, f"{len(problems)} of {compared} disagree:\n" + "\n".join(problems)


def test_corpus_is_large_enough() -> None:
    total = sum(len(s) for _, s in SCRIPTS.values()) + sum(len(s) for s in DEV_SCRIPTS.values())
    assert total >= 200
