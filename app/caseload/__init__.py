"""Caseload operations: learners, employers, enrolments and the assessor's own profile.

Each operation takes a Session first and is meant to run on the writer thread through
`Store.write`; each validates its input and raises `InvalidInput` with one plain-English
message per field, so the window and the command line say the same thing.
"""
