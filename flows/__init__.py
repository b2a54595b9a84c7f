"""Prefect flows: short, linear, typed parameters."""
