"""Print-ready PDFs (claim form, evidence matrix, records, claim pack) built with ReportLab.

Builders take the plain dataclasses in `model.py` and return PDF bytes; they never touch
the database or Qt, so the window, the command line, tests and benchmarks share them.
"""
