"""Canadian cities the synthetic ads are posted in, with their real area codes.

Weights are rough population shares; ``french`` is how strongly an operator based there leans to
French (the generator scales it to hit the requested French share). ``aliases`` are the ways a
body may write the city; the first is the usual one and the ``city`` column is always ``name``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    weight: float
    area_codes: tuple[int, ...]
    french: float
    aliases: tuple[str, ...]


ONTARIO_905 = (905, 289, 365)
SW_ONTARIO = (519, 226, 548)
ALBERTA_NORTH = (780, 587, 825)

CITIES: tuple[City, ...] = (
    City("Toronto", 0.20, (416, 647, 437), 0.03, ("Toronto", "TORONTO", "the GTA")),
    City("Montréal", 0.14, (514, 438), 1.0, ("Montréal", "Montreal", "MTL")),
    City("Vancouver", 0.09, (604, 778, 236), 0.03, ("Vancouver", "Van", "YVR")),
    City("Calgary", 0.07, (403, 587, 825), 0.03, ("Calgary", "YYC")),
    City("Edmonton", 0.06, ALBERTA_NORTH, 0.03, ("Edmonton", "YEG")),
    City("Ottawa", 0.06, (613, 343), 0.35, ("Ottawa", "OTTAWA")),
    City("Winnipeg", 0.045, (204, 431), 0.05, ("Winnipeg", "the Peg")),
    City("Québec", 0.045, (418, 581), 1.2, ("Québec", "Quebec", "Québec City")),
    City("Mississauga", 0.04, ONTARIO_905, 0.03, ("Mississauga", "Sauga")),
    City("Hamilton", 0.035, ONTARIO_905, 0.03, ("Hamilton", "the Hammer")),
    City("Halifax", 0.03, (902, 782), 0.05, ("Halifax", "HFX")),
    City("Laval", 0.03, (450, 579), 1.0, ("Laval", "LAVAL")),
    City("Gatineau", 0.025, (819, 873), 0.9, ("Gatineau", "Hull")),
    City("Victoria", 0.02, (250, 778), 0.03, ("Victoria", "Victoria BC")),
    City("Saskatoon", 0.02, (306, 639), 0.03, ("Saskatoon", "YXE")),
    City("Regina", 0.015, (306, 639), 0.03, ("Regina", "REGINA")),
    City("London", 0.02, SW_ONTARIO, 0.03, ("London", "London Ontario")),
    City("Kitchener", 0.015, SW_ONTARIO, 0.03, ("Kitchener", "KW")),
    City("Windsor", 0.01, SW_ONTARIO, 0.03, ("Windsor", "WINDSOR")),
    City("Sherbrooke", 0.012, (819, 873), 1.0, ("Sherbrooke", "SHERBROOKE")),
    City("St. John's", 0.01, (709,), 0.03, ("St. John's", "St John's")),
    City("Moncton", 0.008, (506,), 0.4, ("Moncton", "MONCTON")),
    City("Niagara Falls", 0.008, ONTARIO_905, 0.03, ("Niagara Falls", "Niagara")),
)
