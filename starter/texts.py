"""Phrase pools for the synthetic ads, in English and French.

Everything here is deliberately bland: generic "personal services", appointments, availability and
contact lines, with no sexual content, no ages and no descriptions of people. What makes the
corpus useful is how operators re-use and lightly edit these phrases, not the phrases themselves.

A template is written with alternations, ``"{Call|Text} me"``, which may nest, and placeholders
``{city}``, ``{name}``, ``{phone}`` that the generator fills per ad. `expand` turns a template
into its list of variants, in product order, so neighbouring variants differ in one choice only:
the generator uses that for "small edit" synonym swaps.
"""

import re
from functools import cache

PLACEHOLDERS = ("city", "name", "phone", "email")
_PLACEHOLDER = re.compile(r"\{(?:" + "|".join(PLACEHOLDERS) + r")\}")
MAX_VARIANTS = 48

# Slots in their usual order inside an ad body.
SLOTS = (
    "greeting",
    "intro",
    "service",
    "service2",
    "availability",
    "location",
    "extra",
    "extra2",
    "contact",
    "closing",
)
# Which pool each slot draws from (the second service / extra line re-uses the pool).
SLOT_POOL = {"service2": "service", "extra2": "extra"}
# How often an operator's template includes the slot.
SLOT_INCLUDE = {
    "greeting": 0.45,
    "intro": 0.85,
    "service": 1.0,
    "service2": 0.35,
    "availability": 0.8,
    "location": 0.6,
    "extra": 0.55,
    "extra2": 0.3,
    "contact": 1.0,
    "closing": 0.6,
}

ENGLISH = {
    "title": (
        "{New in town|Just arrived|Back in town|Visiting {city}}{!| -| ~|} "
        "{professional|discreet|friendly|reliable} personal services",
        "{Available|Open} {tonight|evenings|now|today|this week} in {city}",
        "{Call or text|Text|Call} {name} {now|today|anytime}",
        "{Book|Reserve} your appointment {today|now|this week}",
        "{Top|Best|Premium|Quality} {service|services} in {city}",
        "{name} {-|~|:} {new|available|here} {in {city}|this week|now}",
        "{Personal services|Appointments available|Discreet appointments} "
        "{in {city}|downtown|all week}",
        "{Same day|Last minute} appointments {in {city}|available|welcome}",
        "{Professional|Friendly|Reliable} {helper|assistant} {in {city}|for your errands}",
        "{Evening|Weekend|Late} appointments {open|available} {in {city}|now}",
    ),
    "greeting": (
        "{Hello|Hi|Hey|Good day} {{city}|everyone|there|friends}",
        "{Welcome|Welcome back} {to my ad|everyone|to {city}}",
        "{Hi|Hello}, {thanks|thank you} for {stopping by|reading|looking}",
        "{Greetings|Hello} from {name}",
        "{Good news|Great news}, {city}",
    ),
    "intro": (
        "{I'm|I am} {new in town|new to {city}|visiting {city}} "
        "{this week|for a few days|for a short time|until Sunday}",
        "{Just arrived|Newly arrived|Back} in {city} "
        "{for a limited time|this week only|by popular demand}",
        "My name is {name} and I {offer|provide} "
        "{professional|reliable|friendly|discreet} personal services",
        "{name} here, {new|back} in {city} {and taking appointments|and available now|for a few days}",
        "{Finally|Now} {available|booking} in {city} {again|this week|for a short stay}",
        "{Your|A} {friendly|reliable|professional} {helper|assistant} {in|around} {city}",
    ),
    "service": (
        "{Professional|Reliable|Friendly|Discreet} personal services "
        "{by appointment|on request|with booking}",
        "{Offering|Providing} {home cleaning|organizing|errands|personal assistance|house sitting} "
        "and other {personal|household} services",
        "{Quality|Premium|Top quality} service {at fair rates|every time|guaranteed}",
        "{I take|Taking} {appointments|bookings} {for all kinds of|for} personal services",
        "{Patient|Attentive|Friendly} and {professional|punctual|reliable}, {always|every time}",
        "{Clean|Tidy|Comfortable} and {welcoming|quiet|private} {setting|space}",
        "{First time|New} {clients|customers} {welcome|always welcome|are welcome}",
        "{Relaxed|Easygoing|Calm} and {respectful|courteous} {service|approach}",
    ),
    "availability": (
        "Available {evenings|mornings|afternoons|late evenings|weekends|24/7}",
        "{Open|Available} {every day|7 days a week|Monday to Saturday|most days}",
        "{Same day|Last minute|Short notice} {appointments|bookings} {welcome|available|ok}",
        "{Early|Late} {appointments|bookings} {possible|on request|available}",
        "{Booking|Taking appointments} {now|today|this week|for tonight}",
    ),
    "location": (
        "{Downtown|Near the airport|Close to the subway|Central|West end|East end|North end} "
        "{location|area}",
        "{Private|Quiet|Clean|Safe} {and discreet |}location {in|near} {city}",
        "{I can|Happy to} {travel|come to you} {anywhere in {city}|in the {city} area|around {city}}",
        "{Easy|Free} parking {nearby|available|on site}",
        "{Located|Staying} {near|close to} {the mall|the highway|the station|the university} "
        "in {city}",
    ),
    "extra": (
        "{English|English and French|French and English} spoken",
        "{Cash only|Cash or e-transfer|E-transfer accepted}",
        "{Reasonable|Affordable|Fair} rates",
        "{Limited|Few} {spots|openings} {left|available} {this week|today|tonight}",
        "{No blocked numbers|No private numbers|Please no blocked calls}",
        "{Serious inquiries only|Serious people only|No time wasters please}",
        "{Respectful|Polite|Kind} {clients|people} {only|please|appreciated}",
    ),
    "contact": (
        "{Call or text|Text or call|Text only|Call} {phone}",
        "{Contact|Reach} {me|{name}} at {phone}",
        "{Book now|Book your appointment|To book}: {phone}",
        "{Phone|Tel|Cell}: {phone}",
        "{Text|Call} {me|{name}} {anytime|today|now} at {phone}",
        "{phone} - {call or text|text only|call anytime}",
    ),
    "contact_no_phone": (
        "{Message|Contact} me {here|through the site} {for details|for more info|to book}",
        "{Reply|Respond} to this ad {for details|to book|for more info}",
        "{Send me a message|Write to me} {here|through the site}",
    ),
    "email": (
        "{Email|E-mail|Mail}: {email}",
        "{Write to|Email} me at {email}",
    ),
    "closing": (
        "{Looking forward to hearing from you|Hope to hear from you soon|See you soon|Talk soon}",
        "{Ask for|Just ask for} {name}",
        "{Thank you|Thanks} {for reading|for your time|and see you soon}",
        "{Have a great|Enjoy your} {day|week|evening}",
        "{Cheers|Warm regards|Best|Kind regards}, {name}",
    ),
}

FRENCH = {
    "title": (
        "{Nouveau en ville|Nouvelle en ville|De passage|De retour en ville}{!| -| ~|} "
        "services personnels {professionnels|discrets|fiables}",
        "Disponible {ce soir|en soirée|maintenant|aujourd'hui|cette semaine} à {city}",
        "{Appelez|Textez} {name} {maintenant|aujourd'hui|en tout temps}",
        "{Réservez|Prenez} votre rendez-vous {aujourd'hui|maintenant|cette semaine}",
        "{Meilleur|Excellent} service à {city}",
        "{name} {-|~|:} {disponible|de retour|ici} {à {city}|cette semaine|maintenant}",
        "{Services personnels|Rendez-vous disponibles|Rendez-vous discrets} "
        "{à {city}|au centre-ville|toute la semaine}",
        "Rendez-vous {le jour même|de dernière minute} {à {city}|disponibles|bienvenus}",
        "{Aide|Assistance} {professionnelle|fiable} {à {city}|pour vos commissions}",
        "Rendez-vous {en soirée|la fin de semaine} {disponibles|ouverts} {à {city}|maintenant}",
    ),
    "greeting": (
        "{Bonjour|Salut|Allô|Bonsoir} {{city}|tout le monde|à tous}",
        "{Bienvenue|Bon retour} {sur mon annonce|à tous|à {city}}",
        "{Bonjour|Salut}, merci {de votre visite|d'avoir lu|de lire mon annonce}",
        "{Bonjour|Salutations} de la part de {name}",
        "{Bonne nouvelle|Grande nouvelle}, {city}",
    ),
    "intro": (
        "Je suis {de passage à {city}|nouvellement à {city}|en visite à {city}} "
        "{cette semaine|pour quelques jours|pour peu de temps|jusqu'à dimanche}",
        "{Tout juste arrivée|Nouvellement arrivé|De retour} à {city} "
        "{pour peu de temps|cette semaine seulement|à la demande générale}",
        "Je m'appelle {name} et j'offre des services personnels "
        "{professionnels|fiables|discrets|courtois}",
        "{name} ici, {de retour|nouvellement} à {city} "
        "{et disponible|pour quelques jours|et je prends des rendez-vous}",
        "{Enfin|Maintenant} disponible à {city} {encore une fois|cette semaine|pour un court séjour}",
        "{Votre|Une} {aide|assistance} {fiable|professionnelle|courtoise} {à|autour de} {city}",
    ),
    "service": (
        "Services personnels {professionnels|fiables|discrets|courtois} "
        "{sur rendez-vous|sur demande|avec réservation}",
        "J'offre {ménage|entretien ménager|organisation|commissions|aide personnelle|"
        "gardiennage de maison} et autres services {personnels|domestiques}",
        "Service de {qualité|première qualité} {à prix juste|à chaque fois|garanti}",
        "{Je prends|Prise de} rendez-vous pour {tous les|des} services personnels",
        "{Accueil|Service} {chaleureux|courtois|professionnel} et {ponctuel|fiable|discret}",
        "{Endroit|Espace} {propre|calme|confortable} et {accueillant|privé|tranquille}",
        "{Nouveaux clients|Premiers rendez-vous} {bienvenus|toujours bienvenus}",
        "Service {calme|détendu|simple} et {respectueux|courtois}",
    ),
    "availability": (
        "Disponible {le soir|en soirée|le matin|l'après-midi|la fin de semaine|24/7}",
        "{Ouvert|Disponible} {tous les jours|7 jours sur 7|du lundi au samedi|la plupart des jours}",
        "Rendez-vous {le jour même|de dernière minute|à court préavis} "
        "{bienvenus|possibles|acceptés}",
        "{Tôt le matin|Tard le soir} {sur demande|possible}",
        "{Je prends|Prise de} rendez-vous {maintenant|aujourd'hui|cette semaine|pour ce soir}",
    ),
    "location": (
        "{Centre-ville|Près de l'aéroport|Près du métro|Secteur central|Secteur ouest|Secteur est}",
        "Endroit {privé|calme|propre|sécuritaire} {et discret |}{à|près de} {city}",
        "Je me déplace {partout à {city}|dans la région de {city}|autour de {city}}",
        "Stationnement {gratuit|facile} {à proximité|sur place|disponible}",
        "{Située|Situé} près {du centre commercial|de l'autoroute|de la gare|de l'université} "
        "à {city}",
    ),
    "extra": (
        "{Français et anglais|Bilingue|Je parle français et anglais}",
        "{Argent comptant seulement|Comptant ou virement Interac|Virement accepté}",
        "Tarifs {raisonnables|abordables|justes}",
        "{Peu de|Quelques} places {disponibles|restantes} {cette semaine|aujourd'hui|ce soir}",
        "{Pas de numéros masqués|Numéros privés refusés|Aucun appel masqué}",
        "{Sérieux seulement|Personnes sérieuses seulement|Pas de perte de temps svp}",
        "Clients {respectueux|polis|courtois} {seulement|svp|appréciés}",
    ),
    "contact": (
        "{Appelez ou textez|Textez ou appelez|Texto seulement|Appelez} {au|le} {phone}",
        "{Contactez-moi|Joignez-moi|Contactez {name}} au {phone}",
        "{Réservez maintenant|Pour réserver|Prenez rendez-vous} : {phone}",
        "{Tél|Cell|Téléphone} : {phone}",
        "{Textez|Appelez}-moi {en tout temps|aujourd'hui|maintenant} au {phone}",
        "{phone} - {appel ou texto|texto seulement|appelez en tout temps}",
    ),
    "contact_no_phone": (
        "{Écrivez-moi|Contactez-moi} {ici|via le site} "
        "{pour les détails|pour plus d'infos|pour réserver}",
        "Répondez à cette annonce {pour les détails|pour réserver|pour plus d'infos}",
        "{Envoyez-moi un message|Laissez-moi un message} {ici|via le site}",
    ),
    "email": (
        "{Courriel|Email} : {email}",
        "{Écrivez-moi|Contactez-moi} à {email}",
    ),
    "closing": (
        "{Hâte de vous lire|À bientôt|À la prochaine|Bonne journée}",
        "Demandez {name}",
        "{Merci|Merci beaucoup} {de votre temps|d'avoir lu|et à bientôt}",
        "{Bonne soirée|Bonne semaine|Bonne journée} à tous",
        "{Cordialement|Amicalement|Merci}, {name}",
    ),
}

LANGUAGES = (ENGLISH, FRENCH)

# Persona first names, a mix of English and French, all neutral.
NAMES = (
    "Alex", "Sam", "Jordan", "Chris", "Kim", "Max", "Robin", "Dominique", "Claude", "Morgan",
    "Taylor", "Casey", "Jamie", "Riley", "Avery", "Quinn", "Charlie", "Frankie", "Jesse", "Drew",
    "Mia", "Jade", "Chloé", "Léa", "Sofia", "Nina", "Emma", "Zoé", "Lina", "Ava",
    "Maya", "Rose", "Amber", "Kelly", "Julie", "Sarah", "Camille", "Manon", "Élodie", "Inès",
    "Clara", "Eva", "Luna", "Stella", "Bella", "Nora", "Iris", "Alice", "Anna", "Lily",
    "Jasmine", "Diana", "Vanessa", "Melissa", "Tina", "Lisa", "Sandra", "Natalie", "Gabrielle",
    "Mélanie", "Sophie", "Valérie", "Josée", "Nathalie", "Isabelle", "Karine", "Audrey", "Marie",
    "Océane", "Maëlle", "Noémie", "Justine", "Laurence", "Andrée", "Joëlle", "Carmen", "Lola",
    "Paola", "Bianca", "Daisy", "Holly", "Ruby", "Skye", "Sierra", "Crystal", "Destiny", "Angel",
    "Kiara", "Tiffany", "Brooke", "Paige", "Hailey", "Jenna", "Kayla", "Leah", "Megan", "Nicole",
)  # fmt: skip

# Safe, non-suggestive emoji used as operator "signatures".
EMOJI = (
    "✨", "🌟", "💫", "🌸", "🌼", "🌺", "☀️", "🌙", "📱", "📞",
    "☎️", "✅", "💐", "🙂", "😊", "👋", "🎉", "⭐", "💎", "🍀", "🌈", "🦋",
)  # fmt: skip

# E-mail addresses use reserved example domains only (RFC 2606), so none can reach a real person.
EMAIL_WORDS = (
    "sunny", "maple", "star", "rose", "north", "river", "happy", "bright", "city", "lucky",
    "blue", "golden", "silver", "spring", "autumn", "winter", "summer", "ocean", "cedar", "pine",
    "bella", "luna", "jade", "nova", "aurora", "soleil", "etoile", "fleur", "belle", "doux",
)  # fmt: skip
EMAIL_DOMAINS = (
    "example.com", "example.net", "example.org", "mail.example", "post.example", "courriel.example",
)  # fmt: skip


def _parse(text: str, i: int) -> tuple[list[str], int]:
    """Expand the sequence starting at ``i`` up to a ``|`` or ``}`` at this depth."""
    variants = [""]
    literal: list[str] = []
    while i < len(text) and text[i] not in "|}":
        if text[i] != "{":
            literal.append(text[i])
            i += 1
            continue
        placeholder = _PLACEHOLDER.match(text, i)
        if placeholder:
            literal.append(placeholder.group())
            i = placeholder.end()
            continue
        head = "".join(literal)
        literal = []
        options: list[str] = []
        i += 1
        while True:
            option, i = _parse(text, i)
            options.extend(option)
            if i >= len(text):
                raise ValueError(f"unclosed alternation in {text!r}")
            i += 1
            if text[i - 1] == "}":
                break
        variants = [v + head + o for v in variants for o in options]
    tail = "".join(literal)
    return [v + tail for v in variants], i


@cache
def expand(template: str) -> tuple[str, ...]:
    """All variants of ``template`` (at most MAX_VARIANTS, evenly spread), spaces tidied."""
    variants, end = _parse(template, 0)
    if end != len(template):
        raise ValueError(f"unbalanced braces in {template!r}")
    tidy = list(dict.fromkeys(" ".join(v.split()) for v in variants))
    if len(tidy) > MAX_VARIANTS:
        step = len(tidy) / MAX_VARIANTS
        tidy = [tidy[int(k * step)] for k in range(MAX_VARIANTS)]
    return tuple(tidy)


@cache
def pools(language: int) -> dict[str, tuple[tuple[str, ...], ...]]:
    """For one language (0 English, 1 French): pool name -> templates -> variants."""
    return {
        name: tuple(expand(t) for t in templates) for name, templates in LANGUAGES[language].items()
    }
