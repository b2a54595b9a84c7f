"""Prefect tasks: thin wrappers with retries around descgen functions that do I/O."""
