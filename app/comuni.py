"""Italy's municipalities (ISTAT), shipped with the project: Piedmont's 1,180 with their population
and size class, every Italian comune for participants from elsewhere, the merged ones mapped to
their successor, and the lookups that turn what people type into an ISTAT code."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.search import fold

DATA = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA / "comuni-piemonte.csv"
POPULATION_FILE = DATA / "popolazione-comuni-piemonte.csv"
ITALY_FILE = DATA / "comuni-italia.csv"

#: Where the figures come from, to be stated wherever they are shown (CC BY 4.0).
SOURCE = "ISTAT"

#: Piedmont's provinces by plate code, in ISTAT's order.
PROVINCES = {
    "TO": "Torino",
    "VC": "Vercelli",
    "NO": "Novara",
    "CN": "Cuneo",
    "AT": "Asti",
    "AL": "Alessandria",
    "BI": "Biella",
    "VB": "Verbano-Cusio-Ossola",
}


@dataclass(frozen=True)
class SizeClass:
    key: str
    #: Inclusive lower bound; the upper is the next class's bound.
    low: int
    high: int | None

    def holds(self, population: int) -> bool:
        return population >= self.low and (self.high is None or population < self.high)


SIZE_CLASSES = (
    SizeClass("lt1000", 0, 1_000),
    SizeClass("1000-4999", 1_000, 5_000),
    SizeClass("5000-14999", 5_000, 15_000),
    SizeClass("ge15000", 15_000, None),
)
#: The smallest comuni, the ones the Consulta most wants to involve.
SMALL = SIZE_CLASSES[0].key


def size_class(population: int | None) -> str | None:
    if population is None:
        return None
    return next(c.key for c in SIZE_CLASSES if c.holds(population))


@dataclass(frozen=True)
class Comune:
    code: str
    name: str
    sigla: str
    province: str
    region: str
    population: int | None

    @property
    def in_piedmont(self) -> bool:
        return self.region == "Piemonte"

    @property
    def label(self) -> str:
        """How it is suggested and typed back: "Alba (CN)"."""
        return f"{self.name} ({self.sigla})"

    @property
    def size_class(self) -> str | None:
        return size_class(self.population)


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _tables() -> tuple[dict[str, Comune], dict[str, str]]:
    """Every comune by ISTAT code (today's Piedmont, with the 2011 census population, over the
    2020 list of Italy), and the successor of each Piedmont comune merged since 2020."""
    population = {row["codice_istat"]: int(row["popolazione_2011"]) for row in _read(POPULATION_FILE)}
    comuni: dict[str, Comune] = {}
    for row in _read(ITALY_FILE):
        comuni[row["codice_istat"]] = Comune(
            row["codice_istat"],
            row["denominazione"],
            row["sigla"],
            row["provincia"],
            row["regione"],
            int(row["popolazione_2011"]) if row["popolazione_2011"] else None,
        )
    piedmont = {}
    for row in _read(DATA_FILE):
        code = row["codice_istat"]
        piedmont[code] = Comune(
            code, row["denominazione"], row["sigla"], row["provincia"], "Piemonte", population.get(code)
        )
    # A Piedmont comune of 2020 missing today was merged: its successor is today's comune of the
    # same province whose name joins it with others ("Moransengo-Tonengo"), as ISTAT names them.
    successors = {}
    for code, old in list(comuni.items()):
        if old.in_piedmont and code not in piedmont:
            heirs = [c for c in piedmont.values() if c.sigla == old.sigla and old.name in c.name.split("-")]
            if len(heirs) == 1:
                successors[code] = heirs[0].code
            del comuni[code]
    comuni.update(piedmont)
    return comuni, successors


def all_comuni() -> dict[str, Comune]:
    return _tables()[0]


@cache
def piedmont() -> tuple[Comune, ...]:
    """The 1,180 comuni of Piedmont, in ISTAT order (province, then code)."""
    return tuple(c for c in all_comuni().values() if c.in_piedmont)


@cache
def comuni_names() -> tuple[str, ...]:
    """Names of Piedmont's comuni, sorted as Italians expect (accents ignored)."""
    return tuple(sorted((c.name for c in piedmont()), key=lambda n: fold(n)))


@cache
def piedmont_labels() -> tuple[str, ...]:
    """ "Alba (CN)" for each Piedmont comune, sorted as comuni_names."""
    return tuple(sorted((c.label for c in piedmont()), key=lambda n: fold(n)))


def sort_key(comune: Comune) -> tuple[str, str]:
    """Comuni in the order Italians look them up: by name, accents ignored."""
    return (fold(comune.name), comune.sigla)


def successor_of(code: str) -> str | None:
    return _tables()[1].get(code)


def by_code(code: str | None) -> Comune | None:
    """The comune of an ISTAT code; a merged comune gives its successor."""
    if not code:
        return None
    code = code.strip()
    comuni, successors = _tables()
    return comuni.get(successors.get(code, code))


def _key(text: str) -> str:
    """What two spellings of a name share: no case, accents, apostrophes or punctuation."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text).lower()).split())


@cache
def _by_key() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Folded name → (Piedmont codes, codes elsewhere), merged comuni included (as successors)."""
    index: dict[str, tuple[list[str], list[str]]] = {}
    comuni, successors = _tables()
    for comune in comuni.values():
        index.setdefault(_key(comune.name), ([], []))[0 if comune.in_piedmont else 1].append(comune.code)
    for row in _read(ITALY_FILE):
        if row["codice_istat"] in successors:
            index.setdefault(_key(row["denominazione"]), ([], []))[0].append(successors[row["codice_istat"]])
    return {key: (tuple(dict.fromkeys(p)), tuple(dict.fromkeys(o))) for key, (p, o) in index.items()}


_LABEL = re.compile(r"^(.*?)\s*\(\s*([A-Za-z]{2})\s*\)\s*$")

#: What council staff write before the name: "Comune di Alba", "Città di Bra", "comune Alba".
_TITLE = re.compile(r"^(?:(?:il|lo|la)\s+)?(?:comune|citta|municipio)(?:\s+(?:di|de|del|della|dell|d))?\s+(?=\S)")
#: "S." or "S" standing for a saint: San, Santo, Santa or Sant' ("S. Ambrogio", "Borgo S. Dalmazzo").
_SAINT = re.compile(r"(?:^| )s(?= )")
_SAINTS = ("san", "santo", "santa", "sant")


def _variants(key: str) -> list[str]:
    """The folded spellings a typed name may stand for, the name as typed first: without a
    "Comune di" in front (a comune called "Città di Castello" keeps its own name, being tried
    first), and with "S." read as each saint's form."""
    names = [key]
    untitled = _TITLE.sub("", key)
    if untitled != key:
        names.append(untitled)
    variants = []
    for name in names:
        variants.append(name)
        if _SAINT.search(name):
            variants += [_SAINT.sub(lambda m, saint=saint: m[0][:-1] + saint, name, count=1) for saint in _SAINTS]
    return list(dict.fromkeys(variants))


def _codes_for(name: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    index = _by_key()
    return next((index[v] for v in _variants(_key(name)) if v in index), None)


def from_label(text: str | None) -> Comune | None:
    """What the comune field accepts: an ISTAT code ("004003") or a name as suggested
    ("Alba (CN)"), or a name alone that only one comune has, also as staff write it ("Comune di
    Alba", "S. Ambrogio di Torino"). Case and accents do not matter."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"[0-9]{6}", text):
        return by_code(text)
    match = _LABEL.match(text)
    name, sigla = (match[1], match[2].upper()) if match else (text, None)
    codes = _codes_for(name)
    if not codes:
        return None
    piedmont_codes, other_codes = codes
    candidates = [by_code(c) for c in (*piedmont_codes, *other_codes)]
    if sigla:
        candidates = [c for c in candidates if c.sigla == sigla]
        return candidates[0] if len(candidates) == 1 else None
    return candidates[0] if len(candidates) == 1 else None


def closest(text: str | None, limit: int = 3) -> list[Comune]:
    """The comuni whose names come nearest to a name nobody has ("Albba", "Alba (TO)"), Piedmont
    first, for a "did you mean" when the comune field matches nothing."""
    match = _LABEL.match((text or "").strip())
    key = _key(match[1] if match else text or "")
    if len(key) < 2:
        return []
    index = _by_key()
    names = []
    for variant in _variants(key):
        names += difflib.get_close_matches(variant, index.keys(), n=limit, cutoff=0.75)
    found = []
    for name in dict.fromkeys(names):
        piedmont_codes, other_codes = index[name]
        found += [by_code(c) for c in (*piedmont_codes, *other_codes)]
    found = list(dict.fromkeys(found))
    return sorted(found, key=lambda c: not c.in_piedmont)[:limit]


#: Words before a comune's name in free text: "Comune di Alba", "Città di Bra", "Municipio di…".
_PREFIX = re.compile(
    r"^(?:(?:il|lo|la)\s+)?(?:comune|citta|municipio|amministrazione comunale)(?:\s+(?:di|de|del|della|dell|d))?\s+"
)
#: Bodies that are not a comune even when a comune's name follows.
_OTHER_BODY = re.compile(
    r"\b(?:unione|provincia|regione|citta metropolitana|consorzio|asl|ente|associazione|universita|camera)\b"
)


def match_free_text(text: str | None) -> Comune | None:
    """The comune a free-text ente names without doubt ("Comune di Alba", "comune alba",
    "Alba (CN)", "ALBA"), else None: another kind of body, an unknown name, or a name several
    comuni share (a Piedmont comune is preferred over one elsewhere with the same name)."""
    text = (text or "").strip()
    if not text:
        return None
    direct = from_label(text)
    key = _key(text)
    if _OTHER_BODY.search(key):
        return None
    if direct is not None:
        return direct
    stripped = _PREFIX.sub("", key)
    match = _LABEL.match(text)
    sigla = match[2].upper() if match else None
    if sigla:
        stripped = _PREFIX.sub("", _key(match[1]))
    else:
        tail = re.fullmatch(r"(.*) ([a-z]{2})", stripped)
        if tail and tail[2].upper() in {c.sigla for c in all_comuni().values()} and tail[1] in _by_key():
            stripped, sigla = tail[1], tail[2].upper()
    codes = _by_key().get(stripped)
    if not codes:
        return None
    piedmont_codes, other_codes = codes
    if sigla:
        found = [by_code(c) for c in (*piedmont_codes, *other_codes)]
        found = [c for c in found if c.sigla == sigla]
        return found[0] if len(found) == 1 else None
    if len(piedmont_codes) == 1:
        return by_code(piedmont_codes[0])
    if not piedmont_codes and len(other_codes) == 1:
        return by_code(other_codes[0])
    return None


def suggest(text: str | None, limit: int = 12) -> list[Comune]:
    """Comuni whose name begins with, then contains, what was typed (or what it stands for:
    "comune di alba", "S. Ambrogio"): Piedmont first."""
    key = _key(text or "")
    if len(key) < 2:
        return []
    keys = [k for k in _variants(key) if len(k) >= 2]
    found = []
    for comune in all_comuni().values():
        name = _key(comune.name)
        # a name beginning with the text as typed before one beginning with a reading of it
        ranks = [(0, i) for i, k in enumerate(keys) if name.startswith(k)]
        ranks += [(1, i) for i, k in enumerate(keys) if k in name]
        if ranks:
            found.append((min(ranks), not comune.in_piedmont, fold(comune.name), comune.sigla, comune))
    return [item[-1] for item in sorted(found, key=lambda item: item[:-1])][:limit]
