"""The table domains the generator draws from: titles, the entity noun and candidate columns.

Pure data. A column is ``C("Header|Alternative header", generator, role)``; one header is picked
per table. Roles tell the question builders what a column can serve as:

* ``key``  — identifies a row (unique values): lookups, UPDATE/DELETE targets, listed answers;
* ``cat``  — a small set of repeated values: filters, counting, DELETE conditions;
* ``num``  — clean numbers stored as text: comparisons, ranking, SUM/AVG/MIN/MAX;
* ``year`` — numeric years: comparisons, ranking, MIN/MAX (never summed);
* ``attr`` — anything else worth asking for (dates, scores, formatted numbers);
* ``text`` — long free text (notes), shown but rarely asked about.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class C:
    """A candidate column: ``names`` separated by ``|``, a value generator and a role."""

    names: str
    gen: str
    role: str = "attr"


@dataclass(frozen=True)
class Domain:
    """One kind of table: title templates, what a row is called, and candidate columns (in order)."""

    name: str
    titles: tuple[str, ...]
    noun: str
    plural: str
    columns: tuple[C, ...]


DOMAINS: tuple[Domain, ...] = (
    Domain("fixtures", ("{year} {club} season", "{club} results ({season})", "{season} {place} League fixtures",
                        "List of {club} matches in {year}"), "match", "matches", (
        C("Match No.|Game|#", "seq", "attr"), C("Date|Match date", "date:1990:2023:dmy|mdy|md", "key"),
        C("Round|Stage", "pick:ROUND_NAMES", "cat"), C("Opponent|Opponents|Opposition", "pickgen:club", "cat"),
        C("Venue (H/A)|Home/Away", "choice:H|A|N", "cat"),
        C("Venue|Stadium|Ground", "pickgen:venue", "cat"), C("Result|Score|Final score", "score"),
        C("Attendance|Spectators", "grouped:800:68000"), C("Scorers|Goalscorers", "person"),
        C("Points|Pts", "int:0:3", "num"))),
    Domain("standings", ("{season} {region} Football League", "{year} {country} Premier Division table",
                         "Final standings – {place} Cup {year}"), "team", "teams", (
        C("Pos.|Position|Rank", "seq"), C("Club|Team", "club", "key"), C("Played|Pld|Games played", "int:10:38", "num"),
        C("Won|W|Wins", "int:0:25", "num"), C("Drawn|D|Draws", "int:0:12", "num"),
        C("Lost|L|Losses", "int:0:25", "num"),
        C("Goals for|GF|Goals scored", "int:8:95", "num"), C("Goals against|GA", "int:8:95", "num"),
        C("Points|Pts|Points (2019)", "int:5:90", "num"),
        C("Qualification or relegation|Notes", "choice:Promoted|Relegated|Play-offs|—|Champions", "cat"))),
    Domain("election", ("{year} {place} mayoral election", "Results of the {year} {region} council election",
                        "{country} general election, {year} – {region}"), "candidate", "candidates", (
        C("Candidate|Name", "person", "key"), C("Party|Affiliation", "pick:PARTIES", "cat"),
        C("Ward|Constituency|Electoral district", "pickgen:place", "cat"),
        C("Votes|Votes cast", "int:150:90000", "num"), C("Vote share (%)|% of vote|Share (%)", "dec:0:80:1", "num"),
        C("Swing (pp)|± %", "dec:0:15:1", "num"), C("Incumbent|Incumbent?", "yesno", "cat"),
        C("Result|Outcome", "choice:Elected|Not elected|Re-elected|Defeated", "cat"))),
    Domain("films", ("{person} filmography", "Films shot in {place}", "List of {genre} films of {year}"),
           "film", "films", (
        C("Year|Release year", "year:1950:2023", "year"), C("Title|Film", "title", "key"),
        C("Role|Credited as", "pick:ROLES", "cat"), C("Director|Directed by", "person"),
        C("Genre", "pick:GENRES", "cat"), C("Box office|Gross", "money"),
        C("Running time (min)|Runtime (minutes)", "int:75:190", "num"), C("Release date|Premiere", "date:1950:2023"),
        C("Notes|Remarks", "notes", "text"))),
    Domain("episodes", ("List of {title} episodes", "{title} (season {n})", "{title} – series {n} episodes"),
           "episode", "episodes", (
        C("No. in series|No. overall|Series #", "seq:24"), C("No. in season|Ep. no.", "seq"),
        C("Title|Episode title", "quoted_title", "key"), C("Directed by|Director", "pickgen:person", "cat"),
        C("Written by|Writer(s)", "pickgen:person", "cat"), C("Original air date|First broadcast", "date:1985:2023"),
        C("U.S. viewers (millions)|Viewers (millions)", "dec:1:20:2", "num"), C("Production code|Prod. code", "code"))),
    Domain("buildings", ("List of tallest buildings in {place}", "Tallest structures of the {region}",
                         "{place} skyline: buildings over 100 m"), "building", "buildings", (
        C("Rank|#", "seq"), C("Name|Building", "building", "key"), C("Height|Height m / ft", "height"),
        C("Height (m)|Roof height (m)", "int:80:480", "num"), C("Floors|Storeys|Floor count", "int:10:110", "num"),
        C("Year completed|Completed|Year", "year:1900:2023", "year"), C("Primary use|Use", "pick:BUILDING_USES", "cat"),
        C("Architect|Architect(s)", "pick:ARCHITECTS", "cat"), C("Status", "pick:STATUSES", "cat"),
        C("Address|Location", "street"))),
    Domain("rivers", ("Rivers of {country}", "List of rivers in the {region}", "Longest rivers of {place} county"),
           "river", "rivers", (
        C("River|Name", "river", "key"), C("Length (km)|Length km", "int:12:1400", "num"),
        C("Basin area (km²)|Drainage basin (km2)", "grouped:100:90000"),
        C("Outflow|Mouth|Empties into", "pick:RIVER_OUTFLOWS", "cat"),
        C("Source elevation (m)|Source (m a.s.l.)", "int:200:3200", "num"),
        C("Country|Countries", "pick:COUNTRIES", "cat"),
        C("Discharge (m³/s)|Avg. discharge (m3/s)", "dec:1:900:1", "num"), C("Notes", "notes", "text"))),
    Domain("species", ("List of {group}s of {country}", "Endemic species of the {region}",
                       "Species recorded in {place} Reserve"), "species", "species", (
        C("Scientific name|Species", "species", "key"), C("Common name|Vernacular name", "common_species"),
        C("Authority|Described by", "authority"), C("Conservation status|IUCN status", "pick:CONSERVATION", "cat"),
        C("Habitat|Main habitat", "pick:HABITATS", "cat"), C("Year described|Described", "year:1758:2020", "year"),
        C("Length (cm)|Body length (cm)", "dec:1:120:1", "num"),
        C("Population estimate|Est. population", "int:40:9000", "num"))),
    Domain("schools", ("Schools in {place}", "List of secondary schools in the {region}", "{place} School District"),
           "school", "schools", (
        C("School|Name|School name", "school", "key"), C("Type|Authority|Sector", "pick:SCHOOL_KINDS", "cat"),
        C("Area|Location|Town", "pickgen:place", "cat"),
        C("Enrolment|Students (2018)|Enrollment", "int:80:2400", "num"),
        C("Year opened|Established|Founded", "year:1850:2015", "year"), C("Principal|Head teacher", "person"),
        C("Years|Grades", "choice:K–6|7–12|9–12|K–12|1–8", "cat"), C("Decile|ICSEA score", "int:1:10", "num"))),
    Domain("companies", ("Largest companies of {country}", "{year} ranking of {industry} companies",
                         "Companies listed on the {place} Stock Exchange"), "company", "companies", (
        C("Rank|#", "seq"), C("Company|Name", "company", "key"), C("Industry|Sector", "pick:INDUSTRIES", "cat"),
        C("Headquarters|HQ", "pickgen:place", "cat"), C("Revenue (US$ billion)|Revenue (bn)", "dec:1:300:1", "num"),
        C("Employees|Staff", "int:200:250000", "num"), C("Founded|Year founded", "year:1850:2015", "year"),
        C("CEO|Chief executive", "person"), C("Market share|Share of market", "percent"),
        C("Profit (US$ million)|Net income ($m)", "int:5:9000", "num"))),
    Domain("awards", ("{place} Film Festival awards", "List of {award} winners",
                      "{place} Music Prize – {year} ceremony"),
           "award", "awards", (
        C("Year|Ceremony year", "seqyear:1970:2015", "key"), C("Category|Award", "pick:AWARD_CATEGORIES", "cat"),
        C("Winner|Recipient|Laureate", "person"), C("Work|Nominated work", "title"),
        C("Result|Outcome", "choice:Won|Nominated", "cat"), C("Country|Nationality", "pick:COUNTRIES", "cat"),
        C("Prize money (€)|Prize (EUR)", "grouped:1000:250000"))),
    Domain("transit", ("{place} Metro stations", "List of {colour} Line stations", "{place} light rail network"),
           "station", "stations", (
        C("Station|Stop", "station", "key"), C("Line|Line(s)", "pick:LINE_COLOURS", "cat"),
        C("Opened|Date opened", "date:1890:2022"), C("Distance from terminus (km)|Km", "dec:0:40:1", "num"),
        C("Zone|Fare zone", "int:1:6", "cat"), C("Daily ridership (2019)|Weekday boardings", "int:300:60000", "num"),
        C("Connections|Transfers", "connections"), C("Platforms|No. of platforms", "int:1:6", "num"),
        C("Mode|Service", "pick:TRANSIT_MODES", "cat"))),
    Domain("medals", ("{year} {place} Games medal table", "Medal table of the {year} {region} Championships"),
           "nation", "nations", (
        C("Rank|Pos", "seq"), C("Nation|Country|NOC", "country", "key"), C("Gold|Gold medals", "int:0:12", "num"),
        C("Silver|Silver medals", "int:0:12", "num"), C("Bronze|Bronze medals", "int:0:12", "num"),
        C("Total|Total medals", "int:0:30", "num"), C("Athletes|Team size", "int:1:200", "num"))),
    Domain("albums", ("{person} discography", "{title} (band) discography", "Albums released on {label}"),
           "album", "albums", (
        C("Year|Released", "year:1962:2023", "year"), C("Album|Title|Album title", "title", "key"),
        C("Label|Record label", "pick:RECORD_LABELS", "cat"), C("Format|Format(s)", "pick:FORMATS", "cat"),
        C("Peak chart position (UK)|UK peak|Peak position", "int:1:100", "num"),
        C("Certification|Certifications", "choice:Gold|Platinum|Silver|—|2× Platinum", "cat"),
        C("Release date|Date of release", "date:1962:2023"), C("Tracks|No. of tracks", "int:6:22", "num"))),
    Domain("mountains", ("Mountains of the {region}", "List of peaks in {country} over 2000 m",
                         "Highest points of {place}"),
           "peak", "peaks", (
        C("Peak|Mountain|Name", "mountain", "key"), C("Elevation (m)|Height (m)", "int:900:8000", "num"),
        C("Prominence (m)|Prominence", "int:100:4000", "num"), C("Range|Mountain range", "range", "cat"),
        C("First ascent|Year of first ascent", "year:1786:1990", "year"),
        C("Country|Location", "pick:COUNTRIES", "cat"),
        C("Rock type|Geology", "pick:ROCK_TYPES", "cat"), C("Grid reference|Grid ref.", "gridref"))),
    Domain("ships", ("Vessels registered in {place} ({year})", "Ships built at the {place} yard",
                     "Merchant vessels of {country}"), "ship", "ships", (
        C("Ship|Name|Vessel", "ship", "key"), C("Type|Ship type", "pick:SHIP_TYPES", "cat"),
        C("Flag|Nationality|Country", "pick:NATIONALITIES", "cat"),
        C("Gross tonnage|GT|Displacement (t)", "grouped:90:42000"),
        C("Date|Date lost", "date:1850:1990"), C("Fate|Status", "pick:SHIP_FATES", "cat"),
        C("Launched|Year launched", "year:1850:1985", "year"), C("Crew|Crew size", "int:5:900", "num"),
        C("Notes", "notes", "text"))),
    Domain("games", ("List of {genre} video games", "{developer} games", "Best-selling games of {year}"),
           "game", "games", (
        C("Title|Game", "game", "key"), C("Year|Release year|Released", "year:1980:2023", "year"),
        C("Developer|Developer(s)", "pickgen:developer", "cat"),
        C("Platform(s)|Platform", "pick:GAME_PLATFORMS", "cat"),
        C("Metacritic score|Metascore|Score (out of 100)", "int:40:97", "num"),
        C("Units sold (millions)|Sales (millions)", "dec:0:30:2", "num"), C("Publisher", "company"))),
    Domain("universities", ("Universities in the {region}", "List of colleges in {country}",
                            "Higher education in {place}"), "institution", "institutions", (
        C("Institution|University|Name", "institution", "key"), C("Location|City", "pickgen:place", "cat"),
        C("Founded|Established", "year:1450:2010", "year"),
        C("Enrollment (2020)|Students|Student body", "int:400:60000", "num"),
        C("Type|Control", "choice:Public|Private|State|Religious", "cat"), C("Nickname|Team name", "club"),
        C("Endowment|Endowment (US$)", "money"), C("Campus size (ha)|Campus (acres)", "int:2:900", "num"))),
    Domain("museums", ("Museums in {place}", "List of museums in the {region}", "{place} cultural institutions"),
           "museum", "museums", (
        C("Museum|Name", "museum", "key"), C("Type|Focus", "pick:MUSEUM_KINDS", "cat"),
        C("Visitors (2019)|Annual visitors", "int:5000:900000", "num"),
        C("Opened|Established", "year:1780:2020", "year"),
        C("Location|Neighbourhood|District", "pickgen:place", "cat"), C("Director|Curator", "person"),
        C("Admission|Entry", "choice:Free|Paid|Donation", "cat"))),
    Domain("officeholders", ("List of mayors of {place}", "{office}s of {country}", "Members for {place} ({region})"),
           "officeholder", "officeholders", (
        C("No.|Term|#", "seq"), C("Name|Officeholder|Member", "person", "key"),
        C("Took office|Term start", "date:1850:2020"),
        C("Left office|Term end", "date:1850:2022"), C("Party|Political party", "pick:PARTIES", "cat"),
        C("Born|Year of birth", "year:1800:1985", "year"), C("Nominated by|Elected by", "pickgen:person", "cat"),
        C("Electorate|Constituency", "pickgen:place", "cat"))),
    Domain("finals", ("{person} career finals", "{place} Open – singles champions", "List of {tournament} finals"),
           "final", "finals", (
        C("Date|Year", "date:1968:2023", "key"), C("Outcome|Result", "pick:OUTCOMES", "cat"),
        C("Tournament|Championship", "pickgen:tournament", "cat"), C("Surface", "pick:SURFACES", "cat"),
        C("Opponent|Opponent in the final", "person"), C("Score|Score in the final", "set_score"),
        C("Event|Category", "pick:EVENT_KINDS", "cat"), C("Prize money ($)|Prize ($)", "int:5000:900000", "num"))),
    Domain("races", ("{year} {place} Grand Prix", "{year} {region} Marathon results",
                     "{place} Rally {year} – final classification"),
           "driver", "drivers", (
        C("Pos.|Position|Finish", "seq"), C("Driver|Athlete|Rider", "person", "key"),
        C("Team|Constructor|Club", "pickgen:company", "cat"), C("Nationality|Nat.", "pick:NATIONALITIES", "cat"),
        C("Laps|Laps completed", "int:30:78", "num"), C("Time/Retired|Time", "time"),
        C("Grid|Start position", "int:1:24", "num"),
        C("Points|Pts", "int:0:25", "num"), C("Bib No.|Car No.", "int:1:99"))),
    Domain("draft", ("{year} {region} draft", "{club} draft picks ({year})", "Players drafted from {place}"),
           "player", "players", (
        C("Round|Rd.", "int:1:7", "num"), C("Pick|Pick #|Overall", "seq"), C("Player|Name", "person", "key"),
        C("Position|Pos.", "pick:POSITIONS_GRIDIRON", "cat"),
        C("College|Amateur team", "pickgen:institution", "cat"),
        C("Team|Drafted by", "pickgen:club", "cat"), C("Height (cm)|Height", "int:170:210", "num"),
        C("Weight (kg)|Weight", "int:70:150", "num"))),
    Domain("squad", ("{club} squad ({season})", "{season} {club} season – first team", "{country} national team squad"),
           "player", "players", (
        C("No.|Shirt number|#", "int:1:99"), C("Player|Name", "person", "key"),
        C("Pos.|Position", "pick:POSITIONS_SPORT", "cat"),
        C("Nat.|Nationality", "pick:NATIONALITIES", "cat"),
        C("Date of birth (age)|Date of birth|Born", "date:1980:2005"),
        C("Caps|Apps", "int:0:120", "num"), C("Goals|Gls", "int:0:60", "num"),
        C("Signed from|Previous club", "club"), C("Transfer fee|Fee", "money"))),
)
