"""The chaos run (``make chaos``): whole cycles under injected faults, then invariants that must hold.

``chaos.driver`` runs it, ``chaos.steps`` are the killable steps, ``chaos.invariants``
decides, ``chaos.postgres`` is its private PostgreSQL, ``chaos.sqs_proxy`` its SQS ledger
and SQS faults.
"""
