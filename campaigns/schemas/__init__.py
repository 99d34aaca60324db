"""Marshmallow schemas, one module per feature (the same stem as in services/, api/ and web/).

The API validates and answers with them, and pages' forms validate with the same ones, so both faces refuse the
same input with the same messages. fields.py holds the strict base schema and the shared fields.
"""
