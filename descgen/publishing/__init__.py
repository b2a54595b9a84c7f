"""Approved versions on their way to the shop: the outbox relay and its publishers.

``delivery``  what the relay decides (pure): which rows go, which are superseded, backoff
``relay``     claim due outbox rows, hand them to a publisher, record each outcome
``webhook``   the signed JSON webhook publisher
``files``     the JSON Lines publisher and the exports (JSON Lines, Shopify product CSV)
``report``    what a publish run leaves in the Prefect UI (markdown)
"""
