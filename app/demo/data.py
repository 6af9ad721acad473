"""The demo content: ANCI Piemonte's Consulta, its cycle of incontri, PROFILE with ACAL,
an exhibition, a training course, past events with materials, a postponed and a cancelled one."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.demo.participation import load_participation
from app.events import services
from app.events.models import (
    AttendanceMode,
    Event,
    EventSession,
    EventType,
    Material,
    Organization,
    Series,
    Speaker,
    Theme,
    Venue,
)
from app.extensions import db
from app.outbox import services as outbox
from app.timeutil import rome_datetime, today_rome

DEMO_ORGANIZER_EMAIL = "organizzatore@example.org"
DEMO_ORGANIZER_PASSWORD = "incontri-demo"

EVENT_TYPES = [
    # slug, label, colour, requires registration, default capacity, reminders (a course's: before each lesson),
    # has lessons, whole days by default
    ("consulta", "Riunione della Consulta", "#004d99", True, 40, "7g, 1g", False, False),
    ("incontro", "Incontro", "#00734d", True, 80, "7g, 1g", False, False),
    ("mostra", "Mostra", "#8a1c4a", False, None, "", False, True),
    ("corso", "Percorso formativo", "#a64b00", True, 25, "1g", True, False),
]


#: The themes' names in the partners' languages ("PROFILE", a project's name, stays as it is).
THEME_TRANSLATIONS = {
    "Cooperazione decentrata": {"en": {"name": "Decentralised cooperation"}, "fr": {"name": "Coopération décentralisée"}},
    "Politiche europee": {"en": {"name": "European policies"}, "fr": {"name": "Politiques européennes"}},
    "Reti territoriali": {"en": {"name": "Territorial networks"}, "fr": {"name": "Réseaux territoriaux"}},
    "Solidarietà internazionale": {
        "en": {"name": "International solidarity"},
        "fr": {"name": "Solidarité internationale"},
    },
    "Africa subsahariana": {"en": {"name": "Sub-Saharan Africa"}, "fr": {"name": "Afrique subsaharienne"}},
    "Sensibilizzazione": {"en": {"name": "Awareness raising"}, "fr": {"name": "Sensibilisation"}},
    "Formazione": {"en": {"name": "Training"}, "fr": {"name": "Formation"}},
}

#: The types' names in the partners' languages, for the demo; a new installation writes its own.
EVENT_TYPE_TRANSLATIONS = {
    "consulta": {"en": {"label": "Consulta meeting"}, "fr": {"label": "Réunion de la Consulta"}},
    "incontro": {"en": {"label": "Meeting"}, "fr": {"label": "Rencontre"}},
    "mostra": {"en": {"label": "Exhibition"}, "fr": {"label": "Exposition"}},
    "corso": {"en": {"label": "Training course"}, "fr": {"label": "Parcours de formation"}},
}


def seed_event_types() -> None:
    """The four types the association works with; they are data and can be extended."""
    for position, (slug, label, color, requires, capacity, reminders, lessons, all_day) in enumerate(EVENT_TYPES):
        if db.session.scalar(select(EventType).where(EventType.slug == slug)) is None:
            db.session.add(
                EventType(
                    slug=slug,
                    label=label,
                    color=color,
                    requires_registration=requires,
                    default_capacity=capacity,
                    position=position,
                    reminder_offsets=reminders,
                    has_lessons=lessons,
                    all_day_by_default=all_day,
                )
            )
    db.session.commit()


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Event)) == 0


def _at(day: date, hh: int, mm: int = 0):
    return rome_datetime(day, time(hh, mm))


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def load_demo(today: date | None = None) -> dict[str, Event]:
    """Create the demo content. Dates move with today so the site always looks alive."""
    today = today or today_rome()
    seed_event_types()
    types = {t.slug: t for t in db.session.scalars(select(EventType))}

    orgs = {
        key: Organization(name=name, acronym=acronym, country=country, website=website, description=description)
        for key, name, acronym, country, website, description in [
            (
                "anci",
                "ANCI Piemonte – Associazione Nazionale Comuni Italiani del Piemonte",
                "ANCI Piemonte",
                "IT",
                "https://www.anci.piemonte.it/",
                "L'associazione dei Comuni piemontesi.",
            ),
            ("regione", "Regione Piemonte", None, "IT", "https://www.regione.piemonte.it/", None),
            ("csp", "Compagnia di San Paolo", None, "IT", "https://www.compagniadisanpaolo.it/", None),
            (
                "cop",
                "Consorzio Ong Piemontesi",
                "COP",
                "IT",
                "https://www.ongpiemonte.it/",
                "Rete di 36 ONG piemontesi, nata nel 1997: progetti di cooperazione internazionale e di "
                "educazione alla cittadinanza globale sul territorio piemontese.",
            ),
            (
                "januaforum",
                "Januaforum",
                "Januaforum",
                "IT",
                "http://www.januaforum.it/",
                "«Muovi la Liguria, cambia il mondo»: propone un Forum regionale multiattoriale della "
                "cooperazione e delle relazioni internazionali.",
            ),
            (
                "rail",
                "Rete Attività Internazionali Liguria",
                "RAIL",
                "IT",
                "http://www.januaforum.it/rail-rete-attivita-internazionali-liguria/",
                "Costituita su proposta di Januaforum nel 2014; oltre 40 adesioni, riconosciuta dalla Regione "
                "Liguria come iniziativa di interesse regionale.",
            ),
            (
                "acal",
                "Associazione dei Comuni dell'Atlantico e della Costiera",
                "ACAL",
                "BJ",
                None,
                "Associazione di comuni del Benin, partner di ANCI Piemonte nel progetto PROFILE.",
            ),
        ]
    }
    db.session.add_all(orgs.values())

    speakers = {
        key: Speaker(name=name, role=role, organization=orgs[org])
        for key, name, role, org in [
            ("presidente", "Presidenza della Consulta", "Consulta Cooperazione decentrata e Politiche europee", "anci"),
            ("cop", "Referente COP", "Coordinamento", "cop"),
            ("januaforum", "Referente Januaforum", "Presidenza", "januaforum"),
            ("rail", "Referente RAIL", "Segreteria della rete", "rail"),
            ("acal", "Delegazione ACAL", "Segretariato permanente", "acal"),
            ("regione", "Settore Cooperazione internazionale", "Regione Piemonte", "regione"),
            ("formatore", "Esperto di progettazione europea", "Formatore", "anci"),
        ]
    }
    db.session.add_all(speakers.values())

    venues = {
        key: Venue(name=name, address=address, comune=comune, latitude=lat, longitude=lon)
        for key, name, address, comune, lat, lon in [
            ("anci", "Sede di ANCI Piemonte", "Via Maria Vittoria 12", "Torino", 45.0664, 7.6903),
            ("lascaris", "Palazzo Lascaris", "Via Alfieri 15", "Torino", 45.0677, 7.6800),
            ("cuneo", "Sala del Consiglio comunale", "Via Roma 28", "Cuneo", None, None),
            ("alessandria", "Palazzo Ghilini", "Piazza della Libertà 17", "Alessandria", None, None),
        ]
    }
    db.session.add_all(venues.values())

    cycle = Series(
        slug="esperienze-di-coordinamenti-territoriali",
        title="Esperienze di coordinamenti territoriali",
        item_label="incontro",
        description="Un ciclo di incontri in cui reti e coordinamenti di altri territori raccontano come "
        "mettono in rete comuni, ONG e società civile nella cooperazione internazionale.",
        translations={
            "fr": {
                "title": "Expériences de coordinations territoriales",
                "item_label": "rencontre",
                "description": "Un cycle de rencontres où des réseaux et des coordinations d'autres territoires "
                "racontent comment ils relient communes, ONG et société civile dans la coopération internationale.",
            },
            "en": {"title": "Experiences of territorial networks", "item_label": "meeting"},
        },
    )
    for slug, texts in EVENT_TYPE_TRANSLATIONS.items():
        types[slug].translations = texts
    db.session.add(cycle)
    db.session.flush()

    def event(slug, title, type_slug, start, end, **fields):
        themes = fields.pop("themes", [])
        organizers = fields.pop("organizers", ["anci"])
        partners = fields.pop("partners", [])
        data = services.EventInput(
            title=title,
            slug=slug,
            type_id=types[type_slug].id,
            starts_at=start,
            ends_at=end,
            theme_names=themes,
            organizer_ids=[orgs[o].id for o in organizers],
            partner_ids=[orgs[p].id for p in partners],
            registration_required=types[type_slug].requires_registration,
            **fields,
        )
        db.session.flush()
        return services.create_event(data)

    db.session.commit()
    events: dict[str, Event] = {}

    # Consulta: a past meeting with its minutes, the next one reserved to members.
    past_consulta = _weekday_on_or_after(today - timedelta(days=45), 2)
    events["consulta-passata"] = event(
        "riunione-consulta-" + past_consulta.strftime("%Y-%m"),
        "Riunione della Consulta Cooperazione decentrata e Politiche europee",
        "consulta",
        _at(past_consulta, 10),
        _at(past_consulta, 12, 30),
        summary="Aggiornamento sulla mappatura delle esperienze piemontesi di cooperazione e sul progetto PROFILE.",
        description="Ordine del giorno:\n\n1. Stato della mappatura delle esperienze di cooperazione dei comuni piemontesi\n"
        "2. Avvio del progetto PROFILE con ACAL (Benin)\n3. Calendario del ciclo «Esperienze di coordinamenti territoriali»",
        venue_id=venues["anci"].id,
        capacity=40,
        themes=["Cooperazione decentrata", "Politiche europee"],
    )
    next_consulta = _weekday_on_or_after(today + timedelta(days=9), 2)
    events["consulta"] = event(
        "riunione-consulta-" + next_consulta.strftime("%Y-%m"),
        "Riunione della Consulta Cooperazione decentrata e Politiche europee",
        "consulta",
        _at(next_consulta, 10),
        _at(next_consulta, 12, 30),
        summary="Riunione riservata ai comuni aderenti alla Consulta: programmazione delle iniziative comuni.",
        description="La Consulta, insediata a inizio gennaio 2020, tiene insieme due anime: la cooperazione "
        "decentrata dei comuni piemontesi, finanziata dalla Regione Piemonte, e le politiche europee che si "
        "concretizzano nei programmi tematici dell'UE.\n\nIn questa riunione: proposte di nuovi partenariati "
        "con associazioni di comuni dell'Africa subsahariana e calendario dei percorsi formativi.",
        attendance_mode=AttendanceMode.HYBRID,
        venue_id=venues["anci"].id,
        online_url="https://meet.jit.si/consulta-cooperazione-anci-piemonte",
        capacity=40,
        registration_moderated=True,
        themes=["Cooperazione decentrata", "Politiche europee"],
        translations={
            "fr": {
                "title": "Réunion de la Consulta Coopération décentralisée et Politiques européennes",
                "summary": "Réunion réservée aux communes membres de la Consulta : programmation des initiatives "
                "communes.",
            }
        },
    )

    # The cycle: the 1st incontro is past (with materials), the 2nd is coming with COP and Januaforum/RAIL.
    first = _weekday_on_or_after(today - timedelta(days=24), 3)
    events["incontro-1"] = event(
        "esperienze-coordinamenti-territoriali-1",
        "Esperienze di coordinamenti territoriali: il punto di vista degli enti locali",
        "incontro",
        _at(first, 15),
        _at(first, 17, 30),
        series_id=cycle.id,
        summary="Perché un ente locale sceglie la cooperazione decentrata e come può farlo insieme ad altri.",
        description="Mettere al centro il punto di vista degli enti locali e aumentare la consapevolezza degli "
        "amministratori sulla cooperazione allo sviluppo: il primo incontro del ciclo.",
        venue_id=venues["lascaris"].id,
        capacity=80,
        themes=["Cooperazione decentrata", "Reti territoriali"],
        partners=["regione"],
    )
    second = _weekday_on_or_after(today + timedelta(days=14), 3)
    events["incontro-2"] = event(
        "esperienze-coordinamenti-territoriali-2",
        "Esperienze di coordinamenti territoriali: COP e Januaforum / RAIL",
        "incontro",
        _at(second, 15),
        _at(second, 17, 30),
        series_id=cycle.id,
        summary="Due reti si presentano: il Consorzio Ong Piemontesi e Januaforum con la Rete Attività Internazionali Liguria.",
        description="<p>Il <strong>COP – Consorzio Ong Piemontesi</strong>, rete di 36 ONG nata nel 1997, dal 2004 "
        "accompagna gli enti locali piemontesi nel Programma per la Sicurezza Alimentare e la Lotta alla Povertà "
        "in Africa Occidentale: non solo servizi, ma processi di partenariato territoriale.</p>"
        "<p><strong>Januaforum / RAIL</strong>: «Muovi la Liguria, cambia il mondo». La Rete Attività "
        "Internazionali Liguria, costituita nel 2014, conta oltre 40 adesioni tra ONG, associazioni e istituzioni.</p>",
        attendance_mode=AttendanceMode.HYBRID,
        venue_id=venues["lascaris"].id,
        online_url="https://meet.jit.si/coordinamenti-territoriali-2",
        online_url_public=True,
        capacity=80,
        themes=["Cooperazione decentrata", "Reti territoriali", "Solidarietà internazionale"],
        partners=["cop", "januaforum", "rail"],
        translations={
            "fr": {
                "title": "Expériences de coordinations territoriales : COP et Januaforum / RAIL",
                "summary": "Deux réseaux se présentent : le Consortium des ONG piémontaises et Januaforum avec le "
                "Réseau des activités internationales de Ligurie.",
            }
        },
    )

    # PROFILE with ACAL (Benin): international, hybrid with an online link for the partners in Benin.
    profile_day = _weekday_on_or_after(today + timedelta(days=21), 1)
    events["profile"] = event(
        "presentazione-progetto-profile-acal-benin",
        "Presentazione del progetto PROFILE con ACAL (Benin)",
        "incontro",
        _at(profile_day, 11),
        _at(profile_day, 13),
        summary="Il primo partenariato di ANCI Piemonte con un'associazione di comuni africana.",
        description="ANCI Piemonte ha scelto di collaborare con le associazioni di comuni di altri Paesi, a partire "
        "dall'Africa subsahariana. Il primo accordo è con l'ACAL (Associazione dei Comuni dell'Atlantico e della "
        "Costiera) in Benin: il progetto PROFILE è finanziato dalla Regione Piemonte e dalla Compagnia di San Paolo "
        "nel bando Piemonte&Africa subsahariana – Anno 2020.\n\nInterventi in italiano e in francese.",
        attendance_mode=AttendanceMode.HYBRID,
        venue_id=venues["anci"].id,
        online_url="https://meet.jit.si/profile-anci-piemonte-acal",
        online_url_public=True,
        capacity=60,
        themes=["Cooperazione decentrata", "Africa subsahariana", "PROFILE"],
        partners=["acal", "regione", "csp"],
        # The partners in Benin read French: the event they share is written in French too.
        translations={
            "fr": {
                "title": "Présentation du projet PROFILE avec l'ACAL (Bénin)",
                "summary": "Le premier partenariat de l'ANCI Piemonte avec une association de communes africaine.",
                "description_html": "L'ANCI Piemonte a choisi de collaborer avec les associations de communes "
                "d'autres pays, à commencer par l'Afrique subsaharienne. Le premier accord est conclu avec l'ACAL "
                "(Association des Communes de l'Atlantique et du Littoral) au Bénin : le projet PROFILE est financé "
                "par la Région Piémont et la Compagnia di San Paolo dans le cadre de l'appel Piemonte&Africa "
                "subsahariana – Année 2020.\n\nInterventions en italien et en français.",
            },
            "en": {
                "title": "Launch of the PROFILE project with ACAL (Benin)",
                "summary": "ANCI Piemonte's first partnership with an African association of municipalities.",
            },
        },
    )

    # An exhibition over several weeks: all-day, no registration.
    show_start = today - timedelta(days=10)
    show_end = today + timedelta(days=32)
    events["mostra"] = event(
        "mostra-comuni-piemontesi-cooperazione",
        "Comuni piemontesi nel mondo: esperienze di cooperazione decentrata",
        "mostra",
        rome_datetime(show_start, time(0)),
        rome_datetime(show_end + timedelta(days=1), time(0)),
        all_day=True,
        opening_hours="Da lunedì a venerdì, 9–17; ingresso libero",
        summary="Fotografie e racconti dei partenariati tra comuni piemontesi e comunità locali in Africa, "
        "America Latina ed Europa orientale.",
        description="Una mostra nata dalla mappatura delle esperienze piemontesi di cooperazione promossa dalla Consulta.",
        venue_id=venues["lascaris"].id,
        themes=["Cooperazione decentrata", "Sensibilizzazione"],
        partners=["regione", "cop"],
        translations={
            "fr": {
                "title": "Communes piémontaises dans le monde : expériences de coopération décentralisée",
                "summary": "Photographies et récits des partenariats entre communes piémontaises et communautés "
                "locales en Afrique, en Amérique latine et en Europe de l'Est.",
            }
        },
    )

    # A training course of four weekly lessons, limited seats: one event with four sessions.
    course_start = _weekday_on_or_after(today + timedelta(days=28), 0)
    events["corso"] = event(
        "percorso-formativo-progettare-cooperazione-decentrata",
        "Percorso formativo: progettare la cooperazione decentrata",
        "corso",
        _at(course_start, 14, 30),
        _at(course_start + timedelta(days=21), 17, 30),
        summary="Quattro lezioni per amministratori e funzionari comunali: dai bandi regionali ai programmi UE.",
        description="Il percorso è rivolto a sindaci, assessori, consiglieri e funzionari dei comuni piemontesi "
        "che vogliono avviare o rafforzare un progetto di cooperazione. È rilasciato un attestato di frequenza.",
        attendance_mode=AttendanceMode.HYBRID,
        venue_id=venues["anci"].id,
        online_url="https://meet.jit.si/percorso-formativo-anci-piemonte",
        capacity=25,
        themes=["Formazione", "Politiche europee", "Cooperazione decentrata"],
        partners=["regione"],
    )
    lessons = [
        ("Lezione 1 – La cooperazione decentrata: attori e strumenti", "regione", None),
        ("Lezione 2 – Il bando Piemonte&Africa subsahariana", "regione", None),
        ("Lezione 3 – Programmi tematici dell'Unione europea per i comuni", "formatore", "online"),
        ("Lezione 4 – Costruire un partenariato: il caso PROFILE", "acal", None),
    ]
    lesson_translations = {3: {"fr": {"title": "Leçon 4 – Construire un partenariat : le cas PROFILE"}}}
    for week, (title, speaker, where) in enumerate(lessons):
        day = course_start + timedelta(days=7 * week)
        db.session.add(
            EventSession(
                event=events["corso"],
                position=week,
                title=title,
                starts_at=_at(day, 14, 30),
                ends_at=_at(day, 17, 30),
                online_url="https://meet.jit.si/percorso-formativo-anci-piemonte" if where == "online" else None,
                online_only=where == "online",
                description="Lezione solo online." if where == "online" else None,
                translations=lesson_translations.get(week, {}),
                speakers=[speakers[speaker]],
            )
        )

    # A course of the autumn, finished: attendance recorded for every lesson, certificates issued.
    done_start = _weekday_on_or_after(today - timedelta(days=40), 1)
    events["corso-concluso"] = event(
        "percorso-europrogettazione-piccoli-comuni",
        "Percorso formativo: europrogettazione per i piccoli comuni",
        "corso",
        _at(done_start, 9, 30),
        _at(done_start + timedelta(days=21), 12, 30),
        summary="Quattro mattine per scrivere un progetto europeo con i comuni sotto i mille abitanti.",
        description="Il percorso si è concluso: le persone che hanno frequentato almeno tre quarti delle ore "
        "ricevono l'attestato di partecipazione, verificabile con il suo codice.",
        attendance_mode=AttendanceMode.IN_PERSON,
        venue_id=venues["anci"].id,
        capacity=20,
        themes=["Formazione", "Politiche europee"],
        partners=["regione"],
    )
    for week, title in enumerate(
        [
            "Lezione 1 – Dall'idea al progetto",
            "Lezione 2 – Partenariati tra piccoli comuni",
            "Lezione 3 – Il bilancio di progetto",
            "Lezione 4 – Rendicontazione e comunicazione",
        ]
    ):
        day = done_start + timedelta(days=7 * week)
        db.session.add(
            EventSession(
                event=events["corso-concluso"],
                position=week,
                title=title,
                starts_at=_at(day, 9, 30),
                ends_at=_at(day, 12, 30),
                speakers=[speakers["formatore"]],
            )
        )

    # Agendas: the 2nd incontro with COP and Januaforum / RAIL, and the PROFILE presentation.
    cop_title = "COP – Consorzio Ong Piemontesi: dal coordinamento politico all'accompagnamento degli enti locali"
    agendas = {
        "incontro-2": (
            second,
            [
                ("15:00", "15:15", "Saluti e introduzione", ["presidente"]),
                ("15:15", "16:00", cop_title, ["cop"]),
                ("16:00", "16:45", "Januaforum / RAIL: «Muovi la Liguria, cambia il mondo»", ["januaforum", "rail"]),
                ("16:45", "17:30", "Dibattito con i comuni", []),
            ],
        ),
        "profile": (
            profile_day,
            [
                ("11:00", "12:00", "Il progetto PROFILE: obiettivi e partner", ["acal", "presidente"]),
                ("12:00", "13:00", "Domande dei comuni piemontesi", []),
            ],
        ),
    }
    for event_key, (day, items) in agendas.items():
        for position, (start, end, title, who) in enumerate(items):
            db.session.add(
                EventSession(
                    event=events[event_key],
                    position=position,
                    title=title,
                    starts_at=_at(day, *map(int, start.split(":"))),
                    ends_at=_at(day, *map(int, end.split(":"))),
                    speakers=[speakers[s] for s in who],
                )
            )

    # A past seminar with materials, a postponed and a cancelled meeting, and a draft nobody outside sees.
    seminar_day = _weekday_on_or_after(today - timedelta(days=70), 4)
    events["seminario"] = event(
        "seminario-programmi-tematici-ue",
        "Seminario: i programmi tematici UE per i comuni",
        "corso",
        _at(seminar_day, 9, 30),
        _at(seminar_day, 13),
        summary="Panoramica dei programmi europei accessibili agli enti locali.",
        venue_id=venues["alessandria"].id,
        capacity=30,
        themes=["Politiche europee", "Formazione"],
    )
    postponed_day = _weekday_on_or_after(today + timedelta(days=6), 4)
    events["rinviato"] = event(
        "incontro-comuni-cuneese-cooperazione",
        "Incontro con i comuni del Cuneese sulla cooperazione internazionale",
        "incontro",
        _at(postponed_day, 17),
        _at(postponed_day, 19),
        summary="Presentazione della Consulta agli amministratori della provincia di Cuneo.",
        venue_id=venues["cuneo"].id,
        capacity=50,
        themes=["Cooperazione decentrata"],
    )
    cancelled_day = _weekday_on_or_after(today + timedelta(days=20), 2)
    events["annullato"] = event(
        "incontro-comuni-alessandrino-gemellaggi",
        "Incontro con i comuni dell'Alessandrino sui gemellaggi",
        "incontro",
        _at(cancelled_day, 17),
        _at(cancelled_day, 19),
        summary="Esperienze di gemellaggio e scambi tra comuni, con le associazioni del territorio.",
        venue_id=venues["alessandria"].id,
        capacity=40,
        themes=["Cooperazione decentrata"],
    )
    draft_day = today + timedelta(days=60)
    events["bozza"] = event(
        "terzo-incontro-coordinamenti-bozza",
        "Esperienze di coordinamenti territoriali: terzo incontro (in preparazione)",
        "incontro",
        _at(draft_day, 15),
        _at(draft_day, 17),
        series_id=cycle.id,
        venue_id=venues["lascaris"].id,
    )

    for key, item in events.items():
        if key != "bozza":
            services.publish_event(item)
    services.postpone_event(
        events["rinviato"],
        "Nuova data da definire, per la concomitanza con il Consiglio regionale: "
        "le persone iscritte la riceveranno per email.",
    )
    services.cancel_event(
        events["annullato"],
        "La sala non è più disponibile in quella data e non è stato possibile trovarne un'altra in tempo.",
    )

    for event_key, title, url, french_title in [
        ("consulta-passata", "Verbale della riunione", "https://www.anci.piemonte.it/", "Procès-verbal de la réunion"),
        ("incontro-1", "Registrazione dell'incontro", "https://www.anci.piemonte.it/", "Enregistrement de la rencontre"),
        ("seminario", "Presentazione: programmi tematici UE", "https://commission.europa.eu/funding-tenders_it", None),
    ]:
        french = {"fr": {"title": french_title}} if french_title else {}
        db.session.add(Material(event=events[event_key], title=title, url=url, translations=french))
    for theme in db.session.scalars(select(Theme)):
        theme.translations = THEME_TRANSLATIONS.get(theme.name, {})
    db.session.commit()
    # These people are invented: writing them emails would only fill instance/mail/.
    with outbox.silenced():
        _demo_registrations(events, today)
        _demo_attendance(events["corso-concluso"])
        load_participation(events)
    return events


FIRST_NAMES = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Andrea",
    "Elena",
    "Paolo",
    "Silvia",
    "Davide",
    "Laura",
    "Stefano",
    "Marta",
    "Alberto",
    "Valentina",
    "Giorgio",
    "Sara",
    "Roberto",
    "Anna",
    "Matteo",
]
LAST_NAMES = [
    "Ferrero",
    "Bianco",
    "Gallo",
    "Costa",
    "Rosso",
    "Bosio",
    "Giordano",
    "Marchetti",
    "Barbero",
    "Fassino",
    "Olivero",
    "Revelli",
    "Cerutti",
    "Bertola",
    "Chiesa",
    "Audisio",
    "Quaglia",
    "Dematteis",
    "Mondino",
    "Sacco",
]
COMUNI = [
    "Pinerolo",
    "Alba",
    "Susa",
    "Cuneo",
    "Asti",
    "Novara",
    "Biella",
    "Vercelli",
    "Ivrea",
    "Bra",
    "Saluzzo",
    "Chieri",
    "Moncalieri",
    "Casale Monferrato",
    "Domodossola",
    "Verbania",
    "Acqui Terme",
    "Mondovì",
    "Villar Pellice",
    "Avigliana",
]
ROLES = ["sindaco", "assessore", "consigliere", "segretario", "funzionario", "altro"]


def _demo_registrations(events: dict[str, Event], today: date) -> None:
    """Registrants spread over the last weeks, so organizer pages and charts have something to show:
    a full course with a waiting list, a moderated Consulta meeting, a hybrid incontro with a question."""
    from app.registrations import services as registrations
    from app.registrations.models import Registration

    consent = registrations.Consent(
        current_app.config["PRIVACY_NOTICE_VERSION"],
        "Ho letto l'informativa sulla privacy e acconsento al trattamento dei miei dati per questa iscrizione.",
    )
    question = registrations.add_question(events["incontro-2"], registrations.attendance_question())
    plan = [
        ("corso", 28, {}),
        ("incontro-2", 18, {question.id: "In presenza"}),
        ("consulta", 9, {}),
        ("profile", 7, {}),
    ]
    person = 0
    for key, how_many, answers in plan:
        event = events[key]
        for n in range(how_many):
            first, last = FIRST_NAMES[person % 20], LAST_NAMES[(person * 7) % 20]
            comune = COMUNI[(person * 3) % 20]
            person += 1
            if key == "incontro-2" and n % 3 == 0:
                answers = {question.id: "Online"}
            elif key == "incontro-2":
                answers = {question.id: "In presenza"}
            outcome = registrations.register(
                event.id,
                registrations.ParticipantInput(
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}.{person}@comune.example.it".lower(),
                    organization=f"Comune di {comune}",
                    role=ROLES[person % 6],
                    answers=answers,
                ),
                consent,
            )
            registration: Registration = outcome.registration
            # Spread the sign-ups over the past three weeks, oldest first, for a chart worth reading.
            when = rome_datetime(today - timedelta(days=21 - (n * 20) // how_many), time(9 + n % 9, (n * 13) % 60))
            registration.created_at = when
            if registration.confirmed_at:
                registration.confirmed_at = when
            if registration.waitlisted_at:
                registration.waitlisted_at = when
            for activity in registration.activities:
                activity.created_at = when
    db.session.commit()
    consulta = events["consulta"]
    pending = db.session.scalars(select(Registration).where(Registration.event_id == consulta.id)).all()
    for registration in pending[:5]:
        registrations.approve(registration)
    course = db.session.scalars(
        select(Registration).where(Registration.event_id == events["corso"].id).order_by(Registration.id)
    ).all()
    registrations.cancel(course[3])


def _demo_attendance(course: Event) -> None:
    """The finished course: twelve people added by the organizers, most at every lesson, some
    at too few, one who left early twice; certificates for those who met the rule."""
    from app.courses import services as courses
    from app.registrations import services as registrations
    from app.registrations.models import Source

    consent = registrations.Consent("organizer", "Iscrizione inserita dalla segreteria organizzativa.")
    # Lessons attended by each person (index in the course), and minutes where they left early.
    plan = [[0, 1, 2, 3]] * 7 + [[0, 1, 2], [0, 1], [0], [0, 1, 2, 3], [1, 2, 3]]
    early = {10: {1: 120, 2: 120}}  # 3 + 2 + 2 + 3 hours: 10 of 12, still above three quarters
    for n, lessons in enumerate(plan):
        first, last = FIRST_NAMES[(n * 3) % 20], LAST_NAMES[(n * 11 + 5) % 20]
        registration = registrations.register(
            course.id,
            registrations.ParticipantInput(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.corso{n}@comune.example.it".lower(),
                organization=f"Comune di {COMUNI[(n * 7 + 4) % 20]}",
                role=ROLES[n % 6],
            ),
            consent,
            source=Source.ORGANIZER,
        ).registration
        slots = courses.slots(course)
        for index in lessons:
            courses.mark_present(registration, slots[index], minutes=early.get(n, {}).get(index))
    courses.issue_all(course)
    # A few answers to the follow-up's questionnaire, for the organizers' Riscontri page.
    from app.courses import feedback

    answers = [
        (5, "Gli esempi di bandi già vinti da altri Comuni.", "Utile anche per chi comincia."),
        (4, "La parte sulla rendicontazione.", "Servirebbe più tempo per le domande."),
        (5, None, None),
        (3, "I materiali, da rileggere con calma.", "La lezione online si sentiva male."),
        (4, None, "Un secondo modulo sui partenariati transfrontalieri?"),
    ]
    for registration, (rating, useful, comment) in zip(feedback.attendees(course), answers, strict=False):
        feedback.record(registration, rating, useful, comment)


def ensure_demo_organizer() -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == DEMO_ORGANIZER_EMAIL))
    if user is not None:
        return user, False
    user = User(email=DEMO_ORGANIZER_EMAIL, name="Organizzatore demo", role=Role.ADMIN)
    user.set_password(DEMO_ORGANIZER_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user, True
