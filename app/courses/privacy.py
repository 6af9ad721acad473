"""Personal data of courses: attendance (kept: hours are statistics), certificates (kept whole:
the facts they state are what keeps their code verifiable) and the written answers to the
follow-up (dropped; the rating stays)."""

from __future__ import annotations

from sqlalchemy import select, update

from app import privacy
from app.courses.models import Attendance, Certificate, Feedback
from app.extensions import db


def _export(subject: privacy.Subject) -> dict:
    ids = subject.registration_ids
    attendances = db.session.scalars(
        select(Attendance).where(Attendance.registration_id.in_(ids)).order_by(Attendance.id)
    )
    certificates = db.session.scalars(select(Certificate).where(Certificate.registration_id.in_(ids)))
    feedback = db.session.scalars(select(Feedback).where(Feedback.registration_id.in_(ids)))
    return {
        "attendance": [
            {
                "lesson": attendance.session.title if attendance.session else None,
                "minutes": attendance.minutes,
                "recorded_at": attendance.recorded_at.isoformat(),
            }
            for attendance in attendances
        ],
        "certificates": [
            {
                "code": certificate.code,
                "issued_at": certificate.issued_at.isoformat(),
                "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
                "facts": certificate.facts,
            }
            for certificate in certificates
        ],
        "feedback": [{"rating": f.rating, "useful": f.useful, "comment": f.comment} for f in feedback],
    }


def _anonymise(subject: privacy.Subject) -> None:
    db.session.execute(
        update(Feedback).where(Feedback.registration_id.in_(subject.registration_ids)).values(useful=None, comment=None),
        execution_options={"synchronize_session": False},
    )


privacy.register(
    privacy.Shredder(
        name="corsi",
        export=_export,
        anonymise=_anonymise,
        covers=frozenset(
            {
                # Kept on purpose: a certificate states the name it was issued to, and its public
                # verification shows it; anonymising it would make every printed copy unverifiable.
                "certificates.facts",
                "feedback.useful",
                "feedback.comment",
            }
        ),
        keeps={
            "certificates.code": "a random code",
            "certificates.locale": "a language",
            "certificates.revocation_reason": "the organizers' reason, about the certificate",
        },
    )
)
