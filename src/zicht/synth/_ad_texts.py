"""Sentence pools of synthetic sex-work ads, Dutch and English, with slots.

An operator's text is one sentence from each pool (its template); every ad fills the
slots ({name}, {age}, {city}, {price}) anew and sometimes drops or repeats a
sentence. Pools are combinations of fragments so that thousands of operators get
texts of their own. Only invented text.
"""

from __future__ import annotations

import itertools

__all__ = ["POOLS"]

_NL_GREETINGS = ["Hoi", "Hallo", "Hey", "Hoi schatjes", "Hallo heren", "Goedendag", "Hey lieverds",
                 "Welkom", "Hoi jongens", "Lieve heren"]  # fmt: skip
_NL_INTROS = [
    "ik ben {name}, {age} jaar",
    "mijn naam is {name} en ik ben {age}",
    "hier is {name}, {age} jaar jong",
    "ik heet {name} ({age})",
    "{name} hier, {age} jaar oud",
    "ik ben de {age}-jarige {name}",
]
_NL_PLACES = [
    "en ik ontvang je in {city}", "nu te vinden in {city}", "deze week in {city}",
    "woon en werk in {city}", "kom naar mij in {city}", "en ik kom ook naar jou in {city}",
    "in een rustig appartement in {city}", "vlak bij het station van {city}",
]  # fmt: skip
_NL_SELF = [
    "Ik ben spontaan, lief en altijd in voor iets nieuws.",
    "Slank, sportief en met een lach op mijn gezicht.",
    "Ik hou van lange avonden en goede gesprekken.",
    "Rondingen op de juiste plekken en een zachte huid.",
    "Discreet, schoon en altijd goed verzorgd.",
    "Mijn vriendinnen noemen mij een echte genieter.",
    "Ik neem de tijd voor je en haast me nooit.",
    "Een warme persoonlijkheid met een ondeugend randje.",
    "Ik ben nieuwsgierig en hou van verrassingen.",
    "Natuurlijk, ontspannen en zonder poespas.",
]
_NL_SERVICES = [
    "Ik bied een ontspannende massage en meer.", "Erotische massage, GFE en samen douchen.",
    "Voor een snel bezoek of een hele avond samen.", "Escort voor diner, hotel of thuis.",
    "Tantra, bodyslide en wat jij wilt bespreken.", "Rollenspel en lingerie op verzoek.",
    "Ik verwen je graag van top tot teen.", "Alles veilig en met respect voor elkaar.",
    "Ook stellen zijn van harte welkom.", "Relaxen in bad of op de massagetafel.",
]  # fmt: skip
_NL_TIMES = [
    "Bereikbaar van 10 tot 22 uur.", "Alleen op afspraak, graag een dag van tevoren.",
    "Ook in het weekend beschikbaar.", "Overdag en 's avonds, bel gerust.",
    "Maandag tot en met vrijdag aanwezig.", "Liefst eerst even een berichtje.",
    "Geen anonieme nummers alsjeblieft.", "Last minute kan ook.",
]  # fmt: skip
_NL_PRICES = [
    "Prijs {price} euro per uur.", "Half uur {price} euro.", "Tarief: {price} per uur.",
    "Vanaf {price} euro.", "Een uur kost {price} euro, contant.",
    "{price} euro per uur, extra's in overleg.",
]  # fmt: skip
_EN_GREETINGS = ["Hi", "Hello", "Hey there", "Hi guys", "Hello gentlemen", "Welcome", "Hey",
                 "Hi darlings", "Good day", "Dear gentlemen"]  # fmt: skip
_EN_INTROS = [
    "I am {name}, {age} years old",
    "my name is {name} and I am {age}",
    "this is {name}, {age} years young",
    "I'm {name} ({age})",
    "{name} here, {age} years",
    "meet {name}, {age}",
]
_EN_PLACES = [
    "and I receive you in {city}", "now available in {city}", "this week in {city}",
    "living and working in {city}", "visit me in {city}", "outcall in {city} too",
    "in a quiet flat in {city}", "close to the station of {city}",
]  # fmt: skip
_EN_SELF = [
    "Sweet, playful and always up for something new.",
    "Slim, sporty and with a big smile.",
    "I love long evenings and good conversation.",
    "Curves in the right places and soft skin.",
    "Discreet, clean and well groomed.",
    "My friends call me a true enjoyer of life.",
    "I take my time and never rush.",
    "A warm personality with a naughty side.",
    "Curious and fond of surprises.",
    "Natural, relaxed and no fuss.",
]
_EN_SERVICES = [
    "Relaxing massage and more.", "Erotic massage, GFE and a shower together.",
    "For a quick visit or a whole evening.", "Escort for dinner, hotel or your place.",
    "Tantra, body slide and whatever you like to discuss.", "Role play and lingerie on request.",
    "I will spoil you from head to toe.", "Everything safe and with respect.",
    "Couples are welcome too.", "Relax in the bath or on the massage table.",
]  # fmt: skip
_EN_TIMES = [
    "Available from 10 am to 10 pm.", "By appointment only, please a day ahead.",
    "Also available at weekends.", "Day and evening, just call.",
    "Monday to Friday.", "Please send a message first.",
    "No hidden numbers please.", "Last minute is fine.",
]  # fmt: skip
_EN_PRICES = [
    "Price {price} euro per hour.", "Half hour {price} euro.", "Rate: {price} an hour.",
    "From {price} euro.", "One hour is {price} euro, cash.",
    "{price} euro per hour, extras to discuss.",
]  # fmt: skip


def _openers(greetings: list[str], intros: list[str], places: list[str]) -> list[str]:
    return [f"{g}, {i} {p}." for g, i, p in itertools.product(greetings, intros, places)]


# Per language: the pools in the order the sentences appear in an ad.
POOLS: dict[str, list[list[str]]] = {
    "nl": [
        _openers(_NL_GREETINGS, _NL_INTROS, _NL_PLACES),
        [f"{a} {b}" for a, b in itertools.permutations(_NL_SELF, 2)],
        [f"{a} {b}" for a, b in itertools.permutations(_NL_SERVICES, 2)],
        _NL_TIMES,
        _NL_PRICES,
    ],
    "en": [
        _openers(_EN_GREETINGS, _EN_INTROS, _EN_PLACES),
        [f"{a} {b}" for a, b in itertools.permutations(_EN_SELF, 2)],
        [f"{a} {b}" for a, b in itertools.permutations(_EN_SERVICES, 2)],
        _EN_TIMES,
        _EN_PRICES,
    ],
}
