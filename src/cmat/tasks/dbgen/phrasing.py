"""Question and instruction templates for generated DB tasks (data, rendered with ``str.format``).

Several phrasings per task type, so that a model learns to read the question rather than a
template. A template is used only when every field it names is available (see
:func:`cmat.tasks.dbgen.text.render`). Fields:

``rel``     relative clause ("whose Party is Green League", "with Votes above 500");
``pred``    plural predicate ("have a Party of Green League");
``scope``   "candidates whose ..." or "all candidates";
``target``  the column asked for; ``noun``/``nouns`` what a row is; ``table`` the table name;
``measure`` the numeric column; ``extreme`` "highest", "earliest", ...; ``pairs``/``sets`` value lists;
``lead`` (crowd style) the conditions stated first ("Party of Green League"); ``keycol`` the key column;
``bare`` empty, and given only when there is no condition (a template without one).

These were written for this generator; none is taken from a benchmark's questions.
"""

from __future__ import annotations

EQ_REL = ("whose {col} is {val}", "with {col} {val}", "with a {col} of {val}", "where {col} is {val}",
          "where the {col} equals {val}", "having {val} as {col}", "for which {col} is {val}", "with {col} = {val}")
EQ_AND = ("{col} is {val}", "{col} {val}", "a {col} of {val}", "{col} equal to {val}")
EQ_PRED = ("have a {col} of {val}", "have {val} as their {col}", "have {col} equal to {val}",
           "are listed with {col} {val}")
NUM_REL = ("whose {col} is {op} {x}", "with {col} {op} {x}", "with a {col} {op} {x}", "where {col} is {op} {x}",
           "having {col} {op} {x}", "with {col} {sym} {x}")
NUM_AND = ("{col} {op} {x}", "a {col} {op} {x}", "{col} {sym} {x}")
NUM_PRED = ("have a {col} {op} {x}", "have {col} {op} {x}", "show a {col} {op} {x}", "have {col} {sym} {x}")
OP_WORDS: dict[str, tuple[str, ...]] = {
    ">": ("greater than", "more than", "above", "over", "higher than", "exceeding", "larger than"),
    "<": ("less than", "below", "under", "lower than", "smaller than", "beneath"),
}
YEAR_OP_WORDS: dict[str, tuple[str, ...]] = {">": ("after", "later than"), "<": ("before", "earlier than")}

PLAIN_FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("eq", "rel"): EQ_REL, ("eq", "and"): EQ_AND, ("eq", "pred"): EQ_PRED,
    ("num", "rel"): NUM_REL, ("num", "and"): NUM_AND, ("num", "pred"): NUM_PRED,
}

# Crowd style (opt-in): how people write questions about a table they are looking at. Conditions
# as "when" clauses, or stated first ("lead"); looser comparison words.
CROWD_FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("eq", "rel"): ("when {col} is {val}", "when the {col} is {val}", "with a {col} of {val}",
                    "that has a {col} of {val}", "for {col} of {val}", "with {val} as the {col}",
                    "for {col} {val}", "when {val} is the {col}", "that had {col} of {val}"),
    ("eq", "and"): ("{col} is {val}", "when {col} is {val}", "a {col} of {val}", "{col} of {val}",
                    "the {col} is {val}"),
    ("eq", "pred"): ("have a {col} of {val}", "had {val} as the {col}", "have {col} of {val}"),
    ("eq", "lead"): ("{col} of {val}", "a {col} of {val}", "{col} {val}", "the {col} {val}"),
    ("num", "rel"): ("when {col} is {op} {x}", "with a {col} {op} {x}", "that has a {col} {op} {x}",
                     "with {col} {op} {x}", "when the {col} is {op} {x}"),
    ("num", "and"): ("{col} {op} {x}", "a {col} {op} {x}", "when {col} is {op} {x}"),
    ("num", "pred"): ("have a {col} {op} {x}", "had {col} {op} {x}"),
    ("num", "lead"): ("a {col} {op} {x}", "{col} {op} {x}"),
}
CROWD_OP_WORDS: dict[str, tuple[str, ...]] = {
    ">": ("larger than", "greater than", "bigger than", "more than", "over", "above", "higher than"),
    "<": ("smaller than", "less than", "fewer than", "lower than", "under", "below"),
}
CROWD_JOINS = (" and ", ", and ", " and ")

EXTREMES = {
    ("num", "DESC"): ("highest", "largest", "greatest", "biggest", "maximum", "top"),
    ("num", "ASC"): ("lowest", "smallest", "least", "minimum"),
    ("year", "DESC"): ("latest", "most recent"),
    ("year", "ASC"): ("earliest", "oldest"),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "other": (
        "What is the {target} of the {noun} {rel}?",
        "Which {target} belongs to the {noun} {rel}?",
        "Find the {target} for the {noun} {rel}.",
        "Tell me the {target} {rel}.",
        "What {target} is recorded for the {noun} {rel}?",
        "Look up the {target} of the {noun} {rel}.",
        "For the {noun} {rel}, what is the {target}?",
        "Give the {target} of each {noun} {rel}.",
        "I need the {target} of the {noun} {rel}.",
        "Report the {target} for any {noun} {rel}.",
    ),
    "counting": (
        "How many {nouns} are there {rel}?",
        "Count the {nouns} {rel}.",
        "What is the number of {nouns} {rel}?",
        "How many {nouns} {pred}?",
        "How many rows are there {rel}?",
        "Give the count of {nouns} {rel}.",
        "How often does {val} appear as the {col}?",
        "In how many rows is the {col} {val}?",
        "How many entries in the table {pred}?",
    ),
    "comparison": (
        "Which {target} values belong to {nouns} {rel}?",
        "List the {target} of all {nouns} {rel}.",
        "Which {nouns} {pred}? Answer with their {target}.",
        "Give the {target} for every {noun} {rel}.",
        "What are the {target} entries of the {nouns} {rel}?",
        "Show the {target} of the {nouns} that {pred}.",
    ),
    "comparison-key": (
        "Which {nouns} {pred}?",
        "Name the {nouns} {rel}.",
        "List every {noun} {rel}.",
        "Which {nouns} are there {rel}?",
    ),
    "ranking": (
        "Which {target} goes with the {extreme} {measure}{among}?",
        "Among {scope}, which has the {extreme} {measure}? Give its {target}.",
        "Give the {target} of the {noun} that has the {extreme} {measure}{among}.",
    ),
    "ranking-attr": (
        "What is the {target} of the {noun} with the {extreme} {measure}{among}?",
        "Find the {target} of the {noun} whose {measure} is the {extreme}{among}.",
    ),
    "ranking-key": (
        "Which {noun} has the {extreme} {measure}{among}?",
        "Name the {noun} with the {extreme} {measure}{among}.",
        "Among {scope}, which one has the {extreme} {measure}?",
    ),
    "aggregation-SUM": (
        "What is the total {measure} of {scope}?",
        "Add up the {measure} of {scope}.",
        "What do the {measure} values of {scope} sum to?",
        "Sum the {measure} over {scope}.",
        "What is the combined {measure} for {scope}?",
    ),
    "aggregation-AVG": (
        "What is the average {measure} of {scope}?",
        "On average, what is the {measure} of {scope}?",
        "Compute the mean {measure} for {scope}.",
        "What is the mean value of {measure} across {scope}?",
    ),
    "aggregation-MIN": (
        "What is the {extreme} {measure} among {scope}?",
        "Find the {extreme} {measure} recorded for {scope}.",
        "Give the {extreme} value of {measure} for {scope}.",
        "What {measure} is the {extreme} among {scope}?",
    ),
    "aggregation-MAX": (
        "What is the {extreme} {measure} among {scope}?",
        "Find the {extreme} {measure} recorded for {scope}.",
        "Give the {extreme} value of {measure} for {scope}.",
        "What {measure} is the {extreme} among {scope}?",
    ),
    "INSERT": (
        "Add a new {noun} to the {table} table with {pairs}.",
        "Insert a row into {table}: {pairs}.",
        "Record the following {noun} in the table: {pairs}.",
        "Please add this entry to {table} — {pairs}.",
        "A new {noun} needs to be added with {pairs}.",
        "Put a new row in the table with {pairs}.",
        "Append a {noun} with {pairs} to {table}.",
    ),
    "INSERT-narrative": (
        # None starts with a value: render() capitalises the first letter, and values stay verbatim.
        "New in the {table} table: {first}, a {noun} with {rest}.",
        "The {table} table gets a new {noun}: {all}.",
        "This {noun} has to be recorded in {table}: {all}.",
        "A new {noun} is added to {table}: {first}, with {rest}.",
        "Record the {noun} {first} in {table}; it comes with {rest}.",
        "There is a new entry for {table}, {all}.",
        "Please insert the {noun} {first} ({rest}) into {table}.",
    ),
    "UPDATE": (
        "Change the {sets_to} for the {noun} {rel}.",
        "Set {sets_to} for the {noun} {rel}.",
        "Update the table so that the {noun} {rel} has {sets_of}.",
        "The {noun} {rel} should now have {sets_of}; update it.",
        "Modify the row {rel}: set {sets_to}.",
        "Correct the record {rel} by setting {sets_to}.",
    ),
    "UPDATE-many": (
        "In {table}, set {sets_to} for every row {rel}.",
        "Set {sets_to} for all {nouns} {rel}.",
        "Change the {sets_to} for all {nouns} {rel}.",
        "Every {noun} {rel} should get {sets_of}; update the table.",
    ),
    "DELETE": (
        "Delete the {nouns} {rel}.",
        "Remove every row {rel}.",
        "Remove the {nouns} {rel} from {table}.",
        "Drop the records of {nouns} {rel}.",
        "Erase all entries {rel} from the table.",
        "Delete from {table} all {nouns} {rel}.",
    ),
    "DELETE-one": (
        "Delete the {noun} {rel}.",
        "Remove the row {rel}.",
        "Remove the {noun} {rel} from {table}.",
        "Drop the record of the {noun} {rel}.",
        "The {noun} {rel} must be deleted from the table.",
    ),
}

CROWD_QUESTIONS: dict[str, tuple[str, ...]] = {
    "other": (
        "What is the {target} {rel}?",
        "What {target} has {lead}?",
        "{lead} has what {target}?",
        "Name the {target} {rel}",
        "Which {target} has {lead}?",
        "Tell me the {target} {rel}",
        "What was the {target} {rel}?",
        "{lead}, what is the {target}?",
        "What is the {target} of the {noun} {rel}?",
        "what {target} is listed {rel}?",
    ),
    "counting": (
        "How many {keycol} have {lead}?",
        "What is the total number of {nouns} {rel}?",
        "Name the number of {nouns} {rel}",
        "How many {keycol} are there {rel}?",
        "{lead}: how many {nouns} are there?",
        "What is the count of {keycol} {rel}?",
        "How many {nouns} had {lead}?",
    ),
    "comparison": (
        "Which {target} has {lead}?",
        "What {target} has {lead}?",
        "Name the {target} {rel}",
        "{lead} has what {target}?",
        "List the {target} {rel}",
        "What are the {target} {rel}?",
        "Which {target} had {lead}?",
    ),
    "ranking": (
        "Which {target} has the {extreme} {measure}?{bare}",
        "What {target} had the {extreme} {measure}{among}?",
        "Name the {target} with the {extreme} {measure}{among}",
        "Which {target} has the {extreme} {measure} {rel}?",
        "{lead}, which {target} has the {extreme} {measure}?",
    ),
    "aggregation-SUM": (
        "What is the total {measure} {rel}?",
        "What is the sum of {measure} {rel}?",
        "How many total {measure} are there {rel}?",
        "Name the total {measure} {rel}",
        "{lead}, what is the total {measure}?",
        "What is the sum of the {measure}?{bare}",
    ),
    "aggregation-AVG": (
        "What is the average {measure} {rel}?",
        "Name the average {measure} {rel}",
        "What is the mean {measure} {rel}?",
        "{lead}, what is the average {measure}?",
        "What is the average {measure}?{bare}",
    ),
    "aggregation-MIN": (
        "What is the {extreme} {measure} {rel}?",
        "Name the {extreme} {measure} {rel}",
        "Which {measure} is the {extreme} one {rel}?",
        "{lead}, what is the {extreme} {measure}?",
        "What is the {extreme} {measure}?{bare}",
    ),
    "aggregation-MAX": (
        "What is the {extreme} {measure} {rel}?",
        "Name the {extreme} {measure} {rel}",
        "Which {measure} is the {extreme} one {rel}?",
        "{lead}, what is the {extreme} {measure}?",
        "What is the {extreme} {measure}?{bare}",
    ),
}

# A value told in a sentence with its header (the others go bare): "a tonnage of 1,429", "29 points".
NARRATIVE_FORMS = ("a {col} of {val}", "{col} {val}", "{val} as its {col}", "its {col} being {val}")
NARRATIVE_NUMBER_FORMS = ("{val} {col}",)  # for a number only: "Wexley Street Station" would read as a name
PAIR_FORMS = ("{col}: {val}", "{col} = {val}", "{val} for {col}", "{col} set to {val}", "{val} as the {col}")
SET_TO_FORMS = ("{col} to {val}",)
SET_OF_FORMS = ("a {col} of {val}", "{col} {val}", "{val} as its {col}")

REASONING: dict[str, tuple[str, ...]] = {
    "query": (
        "I will query the table `{table}` with a condition built from the question.",
        "The answer is in `{table}`; I will select it with SQL.",
        "Let me run one SELECT on `{table}` to find the answer.",
    ),
    "mutation": (
        "This task changes the table `{table}`; I will run the {kind} statement.",
        "I will modify `{table}` with a single {kind} statement.",
        "Let me apply the requested change to `{table}` with {kind}.",
    ),
    "answer": (
        "The result gives the answer.",
        "The query returned what the question asks for.",
        "That output answers the question.",
    ),
    "done": (
        "The statement ran without error, so the change is made.",
        "The table is updated as requested.",
    ),
}
