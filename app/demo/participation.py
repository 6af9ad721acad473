"""Demo participants for the participation pages: people from comuni of every province and size
class at the events already held, other kinds of bodies, a few free-text entes still to resolve,
and most of Piedmont never reached, as in life."""

from __future__ import annotations

from app.events.models import Event

#: (comune, first name, last name): comuni of the eight provinces and the four size classes.
COMUNE_PEOPLE = [
    ("Torino (TO)", "Marta", "Rinaldi"),
    ("Ingria (TO)", "Pietro", "Bertola"),
    ("Avigliana (TO)", "Sara", "Vottero"),
    ("Vercelli (VC)", "Luca", "Ferraris"),
    ("Alagna Valsesia (VC)", "Elena", "Guglielmina"),
    ("Varallo (VC)", "Franco", "Zanfa"),
    ("Novara (NO)", "Chiara", "Bellini"),
    ("Ameno (NO)", "Davide", "Ruschetti"),
    ("Oleggio (NO)", "Ilaria", "Mora"),
    ("Alba (CN)", "Paolo", "Cavallo"),
    ("Ostana (CN)", "Anna", "Chiabrando"),
    ("Mondovì (CN)", "Giorgio", "Ravera"),
    ("Asti (AT)", "Federica", "Gamba"),
    ("Moransengo-Tonengo (AT)", "Mario", "Cerrato"),
    ("Canelli (AT)", "Silvia", "Bosca"),
    ("Alessandria (AL)", "Roberto", "Lanza"),
    ("Albera Ligure (AL)", "Carla", "Repetto"),
    ("Ovada (AL)", "Nicola", "Oddone"),
    ("Biella (BI)", "Laura", "Sella"),
    ("Rosazza (BI)", "Stefano", "Rosazza"),
    ("Cossato (BI)", "Valentina", "Gremmo"),
    ("Verbania (VB)", "Andrea", "Zanetti"),
    ("Macugnaga (VB)", "Lucia", "Iacchini"),
    ("Genova (GE)", "Marco", "Parodi"),
]

#: (kind, organization, country, first name, last name): bodies that are not comuni.
OTHER_PEOPLE = [
    ("unione", "Unione Montana Valle Susa", None, "Gianni", "Perotto"),
    ("provincia", "Città metropolitana di Torino", None, "Paola", "Giordano"),
    ("associazione", "Consorzio Ong Piemontesi", None, "Irene", "Fassino"),
    ("estero", "Association des Communes de l'Atlantique et du Littoral", "Bénin", "Koffi", "Adjovi"),
]

#: Free text as people wrote it before the ente was asked for: the organizers resolve it.
UNRESOLVED = [
    ("Comune di S. Ambrogio", "Ettore", "Bruno"),
    ("Ecomuseo dei terrazzamenti", "Rita", "Borgna"),
]


def load_participation(events: dict[str, Event]) -> None:
    """At the Consulta already held: a representative of each comune above (most present), the
    other bodies and the free-text entes; at the finished course, some of them again."""
    from app.courses import services as courses
    from app.registrations import services as registrations
    from app.registrations.models import Source

    consent = registrations.Consent("organizer", "Iscrizione inserita dalla segreteria organizzativa.")
    meeting, course = events["consulta-passata"], events["corso-concluso"]

    def add(event, first, last, n, **ente):
        return registrations.register(
            event.id,
            registrations.ParticipantInput(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{n}@ente.example.it".lower(),
                role=["sindaco", "assessore", "funzionario", "consigliere"][n % 4],
                **{"organization": "", **ente},
            ),
            consent,
            source=Source.ORGANIZER,
        ).registration

    people = []
    for n, (comune, first, last) in enumerate(COMUNE_PEOPLE):
        people.append(add(meeting, first, last, n, ente_tipo="comune", comune=comune))
    for n, (kind, organization, country, first, last) in enumerate(OTHER_PEOPLE, start=100):
        people.append(add(meeting, first, last, n, ente_tipo=kind, organization=organization, ente_country=country))
    for n, (organization, first, last) in enumerate(UNRESOLVED, start=200):
        people.append(add(meeting, first, last, n, organization=organization))
    (slot,) = courses.slots(meeting)
    for n, registration in enumerate(people):
        if n % 5 != 4:  # a few registered and did not come
            courses.mark_present(registration, slot, minutes=90 if n % 7 == 3 else None)
    # Small comuni again at the course for small comuni, at its first two lessons.
    lessons = courses.slots(course)
    for n, (comune, first, last) in enumerate(COMUNE_PEOPLE):
        if n % 3 == 1:
            registration = add(course, first, last, n, ente_tipo="comune", comune=comune)
            for slot in lessons[:2]:
                courses.mark_present(registration, slot)
