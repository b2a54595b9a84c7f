"""Benchmarks, run by hand (``make bench``), never by the test suite: they print figures, they do not assert."""
