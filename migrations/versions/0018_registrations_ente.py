"""Registrations record which kind of body the ente is, a comune's ISTAT code and a foreign body's country; existing free-text entes that name one comune without doubt are matched to it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = "'comune', 'unione', 'provincia', 'regione', 'ente_pubblico', 'associazione', 'estero', 'privato'"


def match_existing(connection) -> int:
    """Each distinct free-text ente matched once, with the project's own matcher (the ISTAT
    files ship with it); what it cannot tell stays NULL for the organizers to resolve."""
    from app.comuni import match_free_text

    registrations = sa.table(
        'registrations',
        sa.column('organization', sa.String),
        sa.column('ente_tipo', sa.String),
        sa.column('comune_istat', sa.String),
    )
    texts = connection.execute(
        sa.select(registrations.c.organization).where(registrations.c.ente_tipo.is_(None)).distinct()
    ).scalars()
    matched = 0
    for text in list(texts):
        comune = match_free_text(text)
        if comune is None:
            continue
        result = connection.execute(
            registrations.update()
            .where(registrations.c.organization == text, registrations.c.ente_tipo.is_(None))
            .values(ente_tipo='comune', comune_istat=comune.code)
        )
        matched += result.rowcount
    return matched


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ente_tipo', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('comune_istat', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('ente_country', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_registrations_comune_istat'), ['comune_istat'], unique=False)
        batch_op.create_check_constraint('ente_tipo_known', f"ente_tipo IS NULL OR ente_tipo IN ({KINDS})")
        batch_op.create_check_constraint('comune_is_a_comune', "comune_istat IS NULL OR ente_tipo = 'comune'")
    match_existing(op.get_bind())


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('comune_is_a_comune', type_='check')
        batch_op.drop_constraint('ente_tipo_known', type_='check')
        batch_op.drop_index(batch_op.f('ix_registrations_comune_istat'))
        batch_op.drop_column('ente_country')
        batch_op.drop_column('comune_istat')
        batch_op.drop_column('ente_tipo')
