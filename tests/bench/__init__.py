"""Benchmarks (never in the default test run): `.venv/bin/python -m tests.bench --help`."""
