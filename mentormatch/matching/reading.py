"""Structure read out of what people write: specialties, goals, offers, hobbies, and meeting in person.

"Happy to help with portfolio and MRCP revision" in a mentor's text are offers; "looking for help
with my IMT application" in anyone's are goals; "outside work: cycling and sailing" are interests;
"happy to meet for a coffee" says they would like to meet in person. The clinical phrases come from
matching/vocabulary.py; the cues that say which kind of thing follows are the tables below. Plain
Python, no Flask: the engine reads every member's text when it fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mentormatch.core.vocabulary import GOALS, SPECIALTIES
from mentormatch.matching.vocabulary import alternation, normalise

# What follows these, up to the end of the sentence, is what the writer can help with.
OFFER_CUES = (
    "happy to help",
    "glad to help",
    "keen to help",
    "willing to help",
    "able to help",
    "i can help",
    "can help",
    "could help",
    "i help",
    "happy to support",
    "can support",
    "glad to support",
    "happy to advise",
    "can advise",
    "happy to talk about",
    "glad to talk about",
    "happy to chat about",
    "happy to share",
    "happy to mentor",
    "can mentor",
    "i can offer",
    "can offer",
    "i offer",
    "i mentor",
    "i supervise",
    "experienced in",
    "experience with",
    "ask me about",
)
# What follows these is what the writer wants help with.
GOAL_CUES = (
    "looking for",
    "i want",
    "i'd like",
    "i would like",
    "would love",
    "would like",
    "hoping for",
    "hoping to",
    "need help",
    "need a hand",
    "need advice",
    "need support",
    "want help",
    "want advice",
    "advice on",
    "help with",
    "support with",
    "guidance on",
    "seeking",
    "keen to get",
    "struggling with",
    "working towards",
    "preparing for",
    "planning",
)
# What follows these is what the writer does for fun.
INTEREST_CUES = (
    "outside work",
    "outside of work",
    "out of work",
    "away from work",
    "away from medicine",
    "outside medicine",
    "off duty",
    "when not at work",
    "in my spare time",
    "in my free time",
    "spare time",
    "free time",
    "hobbies",
    "hobby",
    "weekends are for",
    "at weekends",
    "big fan of",
    "i enjoy",
    "i love",
    "enjoy",
    "passionate about",
)
IN_PERSON = ("in person", "in-person", "face to face", "face-to-face", "meet up", "meeting up", "coffee")
NOT_IN_PERSON = (
    "not in person",
    "can't meet in person",
    "cannot meet in person",
    "video only",
    "online only",
    "remote only",
    "by video",
    "over video",
    "video calls",
    "by phone",
    "over the phone",
    "phone calls",
    "virtually",
)
# Hobbies as one name each, however people write them ("parkrun", "a runner" → running). The
# clear ones count anywhere in someone's text; the ambiguous ones ("running" a clinic, "theatre",
# "reading" papers) only after an interest cue. A general list of pastimes, chosen from how people
# write about them, not from any benchmark's phrase lists (docs/matching.md).
HOBBY_NAMES: dict[str, tuple[str, ...]] = {
    "running": ("runner", "runners", "parkrun", "parkruns", "jogging", "marathon", "marathons",
                "half marathon", "half marathons", "trail running", "ultrarunning", "fell running"),
    "cycling": ("cycling", "cyclist", "biking", "mountain biking", "road cycling", "bike rides", "bike ride",
                "road bike", "mountain bike", "cycle touring", "bikepacking", "spin classes"),
    "climbing": ("climbing", "climber", "bouldering", "rock climbing", "indoor climbing"),
    "swimming": ("swimming", "swimmer", "wild swimming", "open water swimming", "open-water swimming",
                 "sea swimming", "lido"),
    "yoga": ("yoga",),
    "pilates": ("pilates",),
    "football": ("football", "footie", "five-a-side", "5-a-side", "soccer"),
    "rugby": ("rugby",),
    "netball": ("netball",),
    "hockey": ("hockey",),
    "tennis": ("tennis",),
    "squash": ("squash",),
    "badminton": ("badminton",),
    "cricket": ("cricket",),
    "golf": ("golf", "golfer"),
    "basketball": ("basketball",),
    "volleyball": ("volleyball",),
    "boxing": ("boxing",),
    "martial arts": ("martial arts", "karate", "judo", "jiu-jitsu", "jiu jitsu", "taekwondo", "kickboxing"),
    "hiking": ("hiking", "hiker", "hillwalking", "hill walking", "fell walking", "fellwalking", "rambling",
               "trekking", "munro bagging", "munros", "long walks", "walking holidays"),
    "baking": ("baking", "sourdough", "bread making", "bread-making", "cake decorating"),
    "cooking": ("cooking", "home cooking", "cookery"),
    "photography": ("photography", "photographer", "photos", "taking photos", "film photography"),
    "painting": ("painting", "watercolour", "watercolours", "watercolor", "oil painting", "acrylics"),
    "drawing": ("sketching", "illustration"),
    "reading": ("books", "novels", "book club", "bookworm", "fiction", "crime novels", "audiobooks"),
    "piano": ("piano", "pianist"),
    "guitar": ("guitar", "guitarist"),
    "violin": ("violin", "violinist", "fiddle"),
    "cello": ("cello", "cellist"),
    "drums": ("drums", "drummer"),
    "choir": ("choir", "choirs", "singing", "singer", "choral singing", "chamber choir"),
    "line dancing": ("line dancing", "line-dancing"),
    "salsa": ("salsa", "salsa dancing"),
    "dancing": ("dancing", "ballet", "ballroom", "ballroom dancing", "swing dancing", "contemporary dance",
                "tap dancing", "zumba"),
    "gaming": ("gaming", "video games", "videogames", "gamer", "playstation", "xbox", "nintendo"),
    "board games": ("board games", "boardgames", "tabletop games", "dungeons and dragons", "d&d"),
    "chess": ("chess",),
    "gardening": ("gardening", "gardener", "allotment", "my allotment", "growing vegetables"),
    "knitting": ("knitting", "knitter"),
    "crochet": ("crochet", "crocheting"),
    "sewing": ("sewing", "dressmaking", "quilting"),
    "pottery": ("pottery", "ceramics"),
    "triathlon": ("triathlon", "triathlons", "triathlete", "ironman"),
    "rowing": ("rowing", "rower", "sculling"),
    "sailing": ("sailing", "sailor", "dinghy sailing", "yachting"),
    "kayaking": ("kayaking", "canoeing", "paddleboarding", "paddle boarding", "sup"),
    "surfing": ("surfing", "surfer", "bodyboarding"),
    "skiing": ("skiing", "skier", "snowboarding", "ski trips"),
    "scuba diving": ("scuba", "scuba diving", "diving"),
    "horse riding": ("horse riding", "horseriding", "equestrian", "riding horses"),
    "fishing": ("fishing", "angling"),
    "birdwatching": ("birdwatching", "bird watching", "birding"),
    "camping": ("camping", "wild camping"),
    "gym": ("gym", "weightlifting", "weight lifting", "powerlifting", "crossfit", "strength training"),
    "theatre": ("musical theatre", "amateur dramatics", "am dram", "am-dram", "the west end"),
    "music": ("gigs", "concerts", "live music", "festivals"),
    "film": ("films", "movies", "cinema", "film buff"),
    "podcasts": ("podcasts", "podcast"),
    "travel": ("travelling", "traveling", "backpacking"),
    "puzzles": ("puzzles", "crosswords", "crossword", "sudoku", "jigsaws"),
    "pub quizzes": ("pub quizzes", "pub quiz", "quizzes"),
    "languages": ("learning languages", "learning spanish", "learning french", "duolingo"),
    "volunteering": ("volunteering",),
    "dog walking": ("dog walking", "walking the dog", "walking my dog"),
}  # fmt: skip
# Names that are also everyday or clinical words: hobbies only after an interest cue.
AFTER_CUE_ONLY: dict[str, tuple[str, ...]] = {
    "running": ("running", "run", "runs", "a run"),
    "cycling": ("cycle", "bike", "bikes", "cycles"),
    "swimming": ("swim", "swims"),
    "hiking": ("hike", "hikes", "walking", "walks", "the hills", "the mountains", "the fells"),
    "baking": ("bake", "bakes", "bread", "cakes"),
    "cooking": ("cook", "food"),
    "painting": ("paint", "art"),
    "drawing": ("drawing", "draw"),
    "reading": ("reading", "read"),
    "dancing": ("dance",),
    "theatre": ("theatre", "theater", "plays", "drama", "musicals"),
    "music": ("music", "band", "orchestra"),
    "rowing": ("row",),
    "sailing": ("sail",),
    "surfing": ("surf",),
    "skiing": ("ski",),
    "travel": ("travel", "travels"),
    "gaming": ("games",),
    "languages": ("languages",),
}
# Words that start a hobby phrase but say nothing of the hobby ("lots of running" → "running").
LEADING = re.compile(r"^(?:(?:the|a|an|my|some|lots of|plenty of|loads of|a lot of|playing|doing|going)\s+)+")
MAX_HOBBY_WORDS = 3
ITEMS = re.compile(r",|\band\b|&|/|\bor\b|\bplus\b")


@dataclass(frozen=True)
class Reading:
    """What a text says, read: codes from the vocabulary, hobbies as lower-case phrases."""

    specialties: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    in_person: bool | None = None  # None: the text doesn't say


CUES = {"offer": OFFER_CUES, "goal": GOAL_CUES, "interest": INTEREST_CUES}


def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + alternation(list(cues)) + r")(?![\w'])")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {"in_person": _cue_pattern(IN_PERSON), "not_in_person": _cue_pattern(NOT_IN_PERSON)}


def _names_pattern(table: dict[str, tuple[str, ...]]) -> tuple[re.Pattern[str], dict[str, str]]:
    name_of = {variant: name for name, variants in table.items() for variant in variants}
    words = alternation(list(name_of))
    return re.compile(rf"(?<![\w'-])(?:{words})(?![\w'-])"), name_of


@cache
def _hobby_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """Clear hobby names (anywhere), and every name (after a cue), each variant → its name."""
    clear, _ = _names_pattern(HOBBY_NAMES)
    merged = {name: (name, *HOBBY_NAMES[name], *AFTER_CUE_ONLY.get(name, ())) for name in HOBBY_NAMES}
    every, name_of = _names_pattern(merged)
    return clear, every, name_of


def hobby_name(phrase: str) -> str:
    """One name per hobby: 'a parkrun' and 'lots of running' are 'running', 'road cycling' is 'cycling';
    a phrase naming no known hobby is kept as written ('line dancing', 'my dog')."""
    name = hobby(phrase)
    _, every, name_of = _hobby_patterns()
    found = [match.group(0) for match in every.finditer(name)]
    if not found:
        return name
    return name_of[max(found, key=len)]


def hobbies_anywhere(lowered: str) -> set[str]:
    """The hobbies a text names clearly, cue or none ("did my first marathon", "a keen sailor")."""
    clear, _, name_of = _hobby_patterns()
    return {name_of[match.group(0)] for match in clear.finditer(lowered)}


@cache
def _tokens() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pass over a normalised text: sentence ends, cues (longest first), and code tokens."""
    kind_of = {cue: kind for kind, cues in CUES.items() for cue in cues}
    cues = alternation(list(kind_of))
    pattern = re.compile(
        rf"(?P<end>[.!?;\n]+)|(?<![\w'])(?P<cue>{cues})(?![\w'])|\b(?P<kind>spec|goal)_(?P<code>[a-z_]+)"
    )
    return pattern, kind_of


def hobby(phrase: str) -> str:
    """A hobby phrase as matching compares it: lower case, single spaces, no 'lots of' or 'the'."""
    words = " ".join(re.sub(r"[^\w\s'-]", " ", phrase.casefold()).split())
    return LEADING.sub("", words).strip(" -'")


def _hobbies(rest: str) -> set[str]:
    found = set()
    for item in ITEMS.split(rest):
        name = hobby_name(item)
        # A clinical phrase is not a hobby ("I enjoy teaching" is a goal), nor is a long clause.
        if name and "spec_" not in name and "goal_" not in name and len(name.split()) <= MAX_HOBBY_WORDS:
            found.add(name)
    return found


def read(text: str, *, mentor: bool = False, normalised: str | None = None) -> Reading:
    """What a member's free text says; a mentor's goal words with no cue at all count as offers.

    `normalised` is `vocabulary.normalise(text)` when the caller has it already.
    """
    if not text or not text.strip():
        return Reading()
    patterns = _patterns()
    lowered = text.casefold()
    # "in person" outside every negative phrase is a yes ("video or in person" too); a negative alone, a no.
    if patterns["in_person"].search(patterns["not_in_person"].sub(" ", lowered)):
        in_person: bool | None = True
    else:
        in_person = False if patterns["not_in_person"].search(lowered) else None
    specialties: set[str] = set()
    goals: set[str] = set()
    offers: set[str] = set()
    interests: set[str] = set()
    uncued: set[str] = set()
    said = {None: uncued, "offer": offers, "goal": goals, "interest": uncued}  # "I enjoy teaching": a goal
    # Each cue governs the words after it, up to the next cue or the end of the sentence.
    pattern, kind_of = _tokens()
    text = normalise(text) if normalised is None else normalised
    kind, since = None, 0
    for match in pattern.finditer(text):
        if match.lastgroup == "code":
            code = match.group("code")
            if match.group("kind") == "spec":
                if code in SPECIALTIES:
                    specialties.add(code)
            elif code in GOALS:
                said[kind].add(code)
            continue
        if kind == "interest":
            interests |= _hobbies(text[since : match.start()])
        kind = kind_of[match.group("cue")] if match.lastgroup == "cue" else None
        since = match.end()
    if kind == "interest":
        interests |= _hobbies(text[since:])
    interests |= hobbies_anywhere(lowered)
    if mentor and not offers:
        offers = uncued
    else:
        goals |= uncued - offers
    return Reading(
        frozenset(specialties), frozenset(goals), frozenset(offers), frozenset(interests), in_person
    )
