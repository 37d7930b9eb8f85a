"""Intake building blocks: file readers, header recognition, date parsing and text cleaning.

:func:`socanalysis.reports.read_reports` composes them into the canonical report table.
"""
