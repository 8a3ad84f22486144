"""Word lists the DB task generator draws from (invented or generic; no data set is copied).

Kept apart from the logic so that new domains and languages can be added by editing data.
Values avoid backslashes and backticks (both would need escaping rules the tasks are not about);
apostrophes, accents, dashes and parentheses are kept on purpose: real tables have them.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Aaron", "Abena", "Adele", "Agnieszka", "Aiko", "Alejandro", "Alina", "Amara", "Anders", "Anouk",
    "Arjun", "Astrid", "Aurelio", "Beatriz", "Bertrand", "Bogdan", "Camille", "Carmen", "Cedric",
    "Chiara", "Cormac", "Dagny", "Dariusz", "Deepa", "Desmond", "Dmitri", "Eamon", "Elif", "Elena",
    "Emeka", "Enzo", "Esperanza", "Fatima", "Felix", "Fiona", "Florin", "Gareth", "Giulia", "Gunnar",
    "Halima", "Hamish", "Hana", "Henrik", "Hugo", "Ibrahim", "Ines", "Ingrid", "Isidro", "Jaroslav",
    "Jasmin", "Joaquín", "Jonas", "Kaito", "Kalani", "Katarzyna", "Kofi", "Lars", "Leila", "Lorenzo",
    "Lucía", "Magnus", "Malik", "Margit", "Mateus", "Meera", "Milos", "Nadia", "Naoko", "Nikolai",
    "Noor", "Oksana", "Olufemi", "Oren", "Paloma", "Pavel", "Priya", "Quentin", "Radu", "Rafaela",
    "Ramón", "Rania", "Rohan", "Rosalind", "Rui", "Saoirse", "Sebastián", "Siddharth", "Sigrid",
    "Solveig", "Tadeusz", "Tamsin", "Teodor", "Thandiwe", "Tobias", "Ulla", "Valentina", "Viktor",
    "Wanjiru", "Wendell", "Xiomara", "Yara", "Yusuf", "Zainab", "Zoltán", "Bridget", "Cyrus", "Delphine",
    "Ewan", "Greta", "Horace", "Imogen", "Jules", "Kenji", "Linnea", "Marcel", "Nell", "Osric", "Petra",
)

SURNAMES = (
    "Abernathy", "Achterberg", "Adeyemi", "Albrecht", "Alcott", "Andersson", "Arkwright", "Babington",
    "Baptiste", "Barzani", "Beaumont", "Belcourt", "Bergstrom", "Blackwood", "Bouchard", "Brannigan",
    "Castellano", "Chakraborty", "Chen", "Corvino", "Dabrowski", "Dalgleish", "Delacroix", "Dimitrov",
    "Dunmore", "Eriksen", "Esposito", "Fairbanks", "Falkenrath", "Ferreira", "Fitzgerald", "Gallardo",
    "Ganguly", "Grimaldi", "Haldane", "Hartigan", "Holloway", "Horvath", "Ibarra", "Iwasaki", "Jankowski",
    "Kaczmarek", "Kavanagh", "Kimura", "Kowalczyk", "Lindqvist", "Lockhart", "Lombardi", "Mackintosh",
    "Maldonado", "Marchetti", "McAllister", "Mensah", "Moreau", "Nakashima", "Nieminen", "Novak",
    "O'Donnell", "O'Keefe", "Okonkwo", "Oyelaran", "Pacheco", "Pellegrini", "Petrovic", "Quinlan",
    "Radcliffe", "Ramaswamy", "Rasmussen", "Rinaldi", "Rosenthal", "Saarinen", "Santangelo", "Schreiber",
    "Sepúlveda", "Silvestri", "Sokolov", "Sørensen", "Stavros", "Szabo", "Takahashi", "Thorne",
    "Tremblay", "Underwood", "Valdés", "Vance", "Varga", "Vasquez", "Verhoeven", "Wainwright",
    "Whitlock", "Wojcik", "Yamamoto", "Yilmaz", "Zamora", "Zielinski", "Kettering", "Lemaire",
    "Mbeki", "Nordin", "Pryce", "Quaresma", "Strand", "Tolland", "Ueda", "Voss", "Wexley",
)

PLACE_STARTS = (
    "Ash", "Bram", "Cal", "Dun", "Eld", "Fen", "Glen", "Hart", "Ivy", "Kel", "Lark", "Mar", "Nor",
    "Oak", "Pen", "Quarry", "Raven", "Stan", "Thorn", "Ul", "Vel", "Wester", "Yarrow", "Brig", "Cold",
    "Deer", "Elm", "Frost", "Gold", "Hol", "Kings", "Lin", "Mill", "New", "Old", "Red", "Silver",
    "Stone", "Tarn", "West", "Wil", "Bel", "Cas", "Dal", "Esk", "Fal", "Gar", "Har", "Mor", "Tre",
)

PLACE_ENDS = (
    "bridge", "bury", "by", "caster", "combe", "dale", "don", "field", "ford", "gate", "ham", "haven",
    "hill", "holm", "hurst", "ley", "marsh", "mere", "mouth", "ness", "port", "stead", "stow", "thorpe",
    "ton", "vale", "wick", "wood", "worth", "brook", "moor", "crest", "fell", "more", "wyn",
)

REGIONS = (
    "Northern Province", "Eastern Cape Region", "Lowland District", "Upper Valley", "Coastal Division",
    "Highland County", "Central Plains", "River Basin Area", "Southern Isles", "Western Marches",
    "Lake District North", "Midland Territory", "Frontier Region", "Bay Prefecture", "Mountain Canton",
)

COUNTRIES = (
    "Norway", "Portugal", "Kenya", "Chile", "Vietnam", "Poland", "Ghana", "Peru", "Finland", "Morocco",
    "Uruguay", "Hungary", "Indonesia", "Croatia", "Senegal", "Ecuador", "Latvia", "Tunisia", "Nepal",
    "Bolivia", "Slovenia", "Iceland", "Malaysia", "Jordan", "Estonia", "Namibia", "Paraguay", "Lithuania",
    "Cameroon", "Mongolia", "Georgia", "Panama", "Bulgaria", "Zambia", "Romania", "Philippines",
)

NATIONALITIES = (
    "Norwegian", "Portuguese", "Kenyan", "Chilean", "Vietnamese", "Polish", "Ghanaian", "Peruvian",
    "Finnish", "Moroccan", "Uruguayan", "Hungarian", "Croatian", "Senegalese", "Latvian", "Nepali",
)

CLUB_WORDS = (
    "Athletic", "Rovers", "United", "Wanderers", "Rangers", "City", "Albion", "Harriers", "Dynamo",
    "Sporting", "Olympic", "Town", "Stars", "Vikings", "Falcons", "Comets", "Mariners", "Hornets",
)

ADJECTIVES = (
    "Silent", "Hidden", "Crimson", "Broken", "Distant", "Golden", "Hollow", "Last", "Lost", "Midnight",
    "Northern", "Painted", "Quiet", "Restless", "Scarlet", "Secret", "Shattered", "Silver", "Summer",
    "Velvet", "Wandering", "Winter", "Burning", "Electric", "Endless", "Forgotten", "Iron", "Paper",
)

NOUNS = (
    "Harbour", "Garden", "Mirror", "River", "Season", "Kingdom", "Letter", "Orchard", "Lantern", "Tide",
    "Horizon", "Compass", "Signal", "Meadow", "Station", "Voyage", "Circus", "Archive", "Frontier",
    "Island", "Promise", "Machine", "Carnival", "Observatory", "Echo", "Parade", "Shadow", "Crown",
)

GENRES = ("Drama", "Comedy", "Thriller", "Documentary", "Animation", "Romance", "Science fiction",
          "Horror", "Musical", "Crime", "Adventure", "Biography")

ROLES = ("Lead", "Supporting", "Cameo", "Voice", "Narrator", "Guest star", "Herself", "Himself")

PARTIES = (
    "Progressive Alliance", "Green League", "People's Party", "Liberal Union", "Social Democrats",
    "Agrarian Front", "Civic Platform Movement", "Independent", "Reform Coalition", "Labour Bloc",
    "National Renewal", "Centre Party",
)

POSITIONS_SPORT = ("Goalkeeper", "Defender", "Midfielder", "Forward", "Winger", "Centre-back",
                   "Striker", "Full-back", "Sweeper")

POSITIONS_GRIDIRON = ("Quarterback", "Running back", "Wide receiver", "Tight end", "Linebacker",
                      "Cornerback", "Safety", "Offensive tackle", "Defensive end", "Kicker")

OUTCOMES = ("Winner", "Runner-up", "Semi-finalist", "Quarter-finalist", "Third place")


STATUSES = ("Active", "Closed", "Demolished", "Under construction", "Proposed", "Restored", "Abandoned")

CONSERVATION = ("Least Concern", "Near Threatened", "Vulnerable", "Endangered", "Critically Endangered",
                "Data Deficient")

HABITATS = ("Wetland", "Montane forest", "Grassland", "Coral reef", "Desert scrub", "Tundra",
            "Mangrove", "Temperate rainforest", "Savanna", "Freshwater lakes")

GENERA = ("Acanthis", "Borealis", "Calyptra", "Dendrophila", "Eremita", "Fulvia", "Gracilis",
          "Hylocharis", "Ixobrychus", "Lophura", "Myrmeca", "Nototrema", "Ochrolechia", "Pteronura",
          "Rhinella", "Sylvaticus", "Tachyeres", "Vespertina")

EPITHETS = ("alba", "minor", "major", "orientalis", "montana", "rufescens", "lacustris", "gracilis",
            "borealis", "pallida", "nigra", "maculata", "sylvestris", "australis", "velox", "aurata")

ANIMAL_GROUPS = ("Frog", "Warbler", "Bat", "Beetle", "Orchid", "Newt", "Finch", "Moth", "Skink",
                 "Fern", "Lizard", "Heron")

SCHOOL_TYPES = ("Primary School", "High School", "Academy", "College", "Grammar School",
                "Community School", "Secondary School", "Elementary School")

SCHOOL_KINDS = ("Public", "Private", "Charter", "Catholic", "Independent", "Government")

INDUSTRIES = ("Software", "Banking", "Retail", "Mining", "Telecommunications", "Pharmaceuticals",
              "Automotive", "Energy", "Logistics", "Food processing", "Aerospace", "Insurance")

COMPANY_SUFFIXES = ("Holdings", "Group", "Ltd.", "Inc.", "AG", "S.A.", "Corporation", "& Co.",
                    "Industries", "Partners")

AWARD_CATEGORIES = ("Best Director", "Best Actress", "Best Actor", "Best Screenplay", "Best Album",
                    "Best New Artist", "Lifetime Achievement", "Best Documentary", "Best Score",
                    "Best Cinematography", "Best Novel", "Best Short Film")

LINE_COLOURS = ("Red", "Blue", "Green", "Orange", "Purple", "Yellow", "Brown", "Pink", "Grey", "Teal")

TRANSIT_MODES = ("Light rail", "Metro", "Tram", "Commuter rail", "Bus rapid transit", "Monorail")

BUILDING_USES = ("Office", "Residential", "Hotel", "Mixed use", "Government", "Hospital", "Museum")

ARCHITECTS = ("Haldane & Pryce", "Studio Nordin", "Wexley Partners", "Arkwright Associates",
              "Voss Architekten", "Kimura Design Office", "Beaumont Atelier", "Tolland + Strand")

EVENT_KINDS = ("Singles", "Doubles", "Mixed doubles", "Team", "Relay", "Individual")

SURFACES = ("Clay", "Grass", "Hard", "Carpet", "Indoor hard")


RECORD_LABELS = ("Northsound Records", "Blue Gate Music", "Harbour Lane", "Owl & Anchor",
                 "Solstice Recordings", "Tinfoil Records", "Parallel Arts")

FORMATS = ("CD", "LP", "Digital download", "Cassette", "CD, LP", "Streaming")

NOTE_PHRASES = (
    "rebuilt after a fire", "listed as a heritage site", "renamed in the following year",
    "first of its kind in the region", "closed for renovation", "shared with a neighbouring club",
    "record attendance at the time", "originally a private estate", "moved to a new site",
    "partially destroyed during a storm", "extended with a second wing", "opened by the mayor",
    "used as a hospital in wartime", "jointly awarded", "replaced an earlier structure",
    "featured in a national survey", "converted to apartments", "named after a local benefactor",
    "won on a penalty shoot-out", "postponed because of snow", "played behind closed doors",
    "restored with public funding", "served as the terminus until the extension",
)

ROUND_NAMES = ("First round", "Second round", "Group stage", "Round of 16", "Quarter-final",
               "Semi-final", "Final", "Third-place play-off", "Preliminary round")

VENUE_KINDS = ("Stadium", "Park", "Arena", "Ground", "Field", "Oval", "Dome")

RIVER_OUTFLOWS = ("North Sea", "Lake Varn", "Gulf of Tessa", "Atlantic Ocean", "Inner Sound",
                  "Bay of Morrow", "Lake Ilse", "Southern Ocean")

ROCK_TYPES = ("Granite", "Limestone", "Basalt", "Sandstone", "Gneiss", "Schist", "Slate")

SHIP_FATES = ("Sunk", "Scrapped", "Captured", "Scuttled", "Wrecked", "Museum ship", "Damaged")

SHIP_TYPES = ("Cargo ship", "Tanker", "Trawler", "Passenger liner", "Schooner", "Tug", "Collier")

GAME_PLATFORMS = ("PC", "Console", "Handheld", "Mobile", "Arcade", "PC, Console")

DEVELOPER_WORDS = ("Pixel", "Lantern", "Blue Fox", "Moonrise", "Cobalt", "Hexagon", "Tinder",
                   "Kettle", "Northwind", "Paperplane")

INSTITUTION_WORDS = ("Institute of Technology", "University", "Polytechnic", "School of Arts",
                     "Medical College", "Conservatory")

MUSEUM_KINDS = ("Art", "Natural history", "Maritime", "Science", "Railway", "Local history",
                "Design", "Military")

OFFICES = ("Mayor", "Governor", "Minister of Finance", "Speaker", "Chief Justice", "President of the Senate",
           "Foreign Minister", "Lord Provost")
