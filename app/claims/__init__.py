"""Unit sign-off and claims to competence (no Qt).

- sign_off.py: whether a unit is ready, and signing it off (what is missing, in words).
- claim.py: choosing signed-off units to claim, full award by the rules of combination.
- signable.py: both registered with app/signing so learner, assessor and IQA sign them.
- paperwork.py: database rows to the dataclasses app/documents prints.
"""
