"""Benchmarks for probation-bot: ``python -m benchmarks.run`` (or ``make bench``).

Not part of the test suite. Everything here measures; nothing changes the bot. The 100x knowledge base
is generated at bench time under ``benchmarks/synthetic/`` (git-ignored) and its organisations are all
named "Synthetic ..." so that it can never be mistaken for real data.
"""
