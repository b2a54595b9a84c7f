"""Prefect flows: short, linear, typed parameters.

Each flow's docstring lists its parameters under ``Args``: that is where the Prefect
UI takes the descriptions it shows in the run form (it ignores the descriptions of
``Annotated`` fields), so keep the two in step (tests/e2e checks they match).
"""
