"""caseload, catalogue and sync outbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('centre',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre'))
    )
    op.create_table('device',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device'))
    )
    op.create_table('employer',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_role', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer'))
    )
    op.create_table('form_draft',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('form', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('fields_json', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_draft')),
    sa.UniqueConstraint('form', 'record_id', name='uq_form_draft_record')
    )
    op.create_table('local_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_local_setting'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('operation', sa.String(length=16), nullable=False),
    sa.Column('queued_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('table_name', 'record_id', name='uq_outbox_record')
    )
    op.create_table('spec_pack',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pack_id', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('awarding_body', sa.String(length=200), nullable=False),
    sa.Column('document_title', sa.Text(), nullable=True),
    sa.Column('document_version', sa.String(length=100), nullable=True),
    sa.Column('document_date', sa.String(length=100), nullable=True),
    sa.Column('source_file', sa.String(length=200), nullable=True),
    sa.Column('missing_json', sa.Text(), nullable=False),
    sa.Column('corrections_json', sa.Text(), nullable=False),
    sa.Column('listed_not_specified_json', sa.Text(), nullable=False),
    sa.Column('loaded_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spec_pack')),
    sa.UniqueConstraint('sha256', name=op.f('uq_spec_pack_sha256'))
    )
    with op.batch_alter_table('spec_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spec_pack_pack_id'), ['pack_id'], unique=False)

    op.create_table('learner',
    sa.Column('given_names', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.String(length=10), nullable=True),
    sa.Column('uln', sa.String(length=10), nullable=True),
    sa.Column('registration_number', sa.String(length=50), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('employer_id', sa.String(length=36), nullable=True),
    sa.Column('workplace_address', sa.Text(), nullable=False),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('planned_end_date', sa.String(length=10), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_learner_employer_id_employer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learner'))
    )
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.create_index('uq_learner_live_uln', ['uln'], unique=True, sqlite_where=sa.text('deleted_at IS NULL AND uln IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NULL AND uln IS NOT NULL'))

    op.create_table('qualification',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pack_row_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('awarding_body', sa.String(length=200), nullable=False),
    sa.Column('ab_number', sa.String(length=50), nullable=True),
    sa.Column('regulator_number', sa.String(length=50), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('glh', sa.Integer(), nullable=True),
    sa.Column('tqt', sa.Integer(), nullable=True),
    sa.Column('credits', sa.Integer(), nullable=True),
    sa.Column('version_label', sa.String(length=100), nullable=True),
    sa.Column('rules_json', sa.Text(), nullable=True),
    sa.Column('missing_json', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pack_row_id'], ['spec_pack.id'], name=op.f('fk_qualification_pack_row_id_spec_pack')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification'))
    )
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualification_pack_row_id'), ['pack_row_id'], unique=False)

    op.create_table('staff_member',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('centre_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_staff_member_centre_id_centre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_member'))
    )
    op.create_table('unit',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pack_row_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('credit', sa.Integer(), nullable=True),
    sa.Column('glh', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.String(length=20), nullable=True),
    sa.Column('group_name', sa.String(length=200), nullable=True),
    sa.Column('aim', sa.Text(), nullable=True),
    sa.Column('assessment_requirements', sa.Text(), nullable=True),
    sa.Column('missing_json', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pack_row_id'], ['spec_pack.id'], name=op.f('fk_unit_pack_row_id_spec_pack')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index('ix_unit_pack_number', ['pack_row_id', 'number'], unique=True)
        batch_op.create_index(batch_op.f('ix_unit_pack_row_id'), ['pack_row_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_reference'), ['reference'], unique=False)

    op.create_table('assessment_rule',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('lo_number', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('count_of', sa.String(length=30), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('source_text', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assessment_rule_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rule'))
    )
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_rule_unit_id'), ['unit_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('learner_id', sa.String(length=36), nullable=False),
    sa.Column('qualification_id', sa.String(length=36), nullable=False),
    sa.Column('registration_number', sa.String(length=50), nullable=False),
    sa.Column('assessor_id', sa.String(length=36), nullable=True),
    sa.Column('iqa_id', sa.String(length=36), nullable=True),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['staff_member.id'], name=op.f('fk_enrolment_assessor_id_staff_member')),
    sa.ForeignKeyConstraint(['iqa_id'], ['staff_member.id'], name=op.f('fk_enrolment_iqa_id_staff_member')),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], name=op.f('fk_enrolment_learner_id_learner')),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_enrolment_qualification_id_qualification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_learner_id'), ['learner_id'], unique=False)

    op.create_table('learning_outcome',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('lo_type', sa.String(length=20), nullable=True),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_learning_outcome_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_outcome'))
    )
    with op.batch_alter_table('learning_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_outcome_unit_id'), ['unit_id'], unique=False)

    op.create_table('qualification_unit',
    sa.Column('qualification_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_qualification_unit_qualification_id_qualification')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_qualification_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('qualification_id', 'unit_id', name=op.f('pk_qualification_unit'))
    )
    op.create_table('assessment_criterion',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('lo_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lo_id'], ['learning_outcome.id'], name=op.f('fk_assessment_criterion_lo_id_learning_outcome')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assessment_criterion_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_criterion'))
    )
    with op.batch_alter_table('assessment_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_criterion_lo_id'), ['lo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_criterion_unit_id'), ['unit_id'], unique=False)

    op.create_table('enrolment_unit',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_enrolment_unit_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_enrolment_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_unit'))
    )
    with op.batch_alter_table('enrolment_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_unit_enrolment_id'), ['enrolment_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('enrolment_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_unit_enrolment_id'))

    op.drop_table('enrolment_unit')
    with op.batch_alter_table('assessment_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_criterion_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_criterion_lo_id'))

    op.drop_table('assessment_criterion')
    op.drop_table('qualification_unit')
    with op.batch_alter_table('learning_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_outcome_unit_id'))

    op.drop_table('learning_outcome')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_learner_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('assessment_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_rule_unit_id'))

    op.drop_table('assessment_rule')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_reference'))
        batch_op.drop_index(batch_op.f('ix_unit_pack_row_id'))
        batch_op.drop_index('ix_unit_pack_number')

    op.drop_table('unit')
    op.drop_table('staff_member')
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualification_pack_row_id'))

    op.drop_table('qualification')
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_index('uq_learner_live_uln', sqlite_where=sa.text('deleted_at IS NULL AND uln IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NULL AND uln IS NOT NULL'))

    op.drop_table('learner')
    with op.batch_alter_table('spec_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spec_pack_pack_id'))

    op.drop_table('spec_pack')
    op.drop_table('outbox')
    op.drop_table('local_setting')
    op.drop_table('form_draft')
    op.drop_table('employer')
    op.drop_table('device')
    op.drop_table('centre')

