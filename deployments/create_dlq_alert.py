"""Create (or update) the dead-letter-queue alert on the Prefect server in PREFECT_API_URL.

    python deployments/create_dlq_alert.py --block slack-webhook/descgen-alerts

The automation is ``dlq_alert_automation.yaml`` next to this file; the one thing it
cannot know is which notification block to send through. Give any Prefect
notification block as ``<block type slug>/<block name>``, as ``prefect block ls``
lists them (``slack-webhook``, ``microsoft-teams-webhook``, ``custom-webhook``, ...).
Running it again updates the automation in place.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml
from prefect import get_client
from prefect.events.schemas.automations import AutomationCore
from prefect.exceptions import ObjectNotFound

DEFINITION = Path(__file__).with_name("dlq_alert_automation.yaml")


def automation_notifying(definition: dict[str, Any], block_document_id: UUID) -> AutomationCore:
    """The automation of ``definition`` with every notification sent through one block."""
    actions = [
        {**action, "block_document_id": str(block_document_id)} if action["type"] == "send-notification" else action
        for action in definition["actions"]
    ]
    return AutomationCore.model_validate({**definition, "actions": actions})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--block", required=True, help="the notification block, e.g. slack-webhook/descgen-alerts")
    parser.add_argument("--file", type=Path, default=DEFINITION, help="the automation definition (YAML)")
    args = parser.parse_args(argv)
    block_type, _, block_name = args.block.partition("/")
    if not block_name:
        parser.error("--block is <block type slug>/<block name>, e.g. slack-webhook/descgen-alerts")

    with get_client(sync_client=True) as client:
        try:
            block = client.read_block_document_by_name(block_name, block_type, include_secrets=False)
        except ObjectNotFound:
            sys.stderr.write(f"no {block_type} block named {block_name!r}: create it first (`prefect block ls`)\n")
            return 1
        automation = automation_notifying(yaml.safe_load(args.file.read_text()), block.id)
        existing = client.read_automations_by_name(automation.name)
        if existing:
            client.update_automation(existing[0].id, automation)
            sys.stdout.write(f"automation {automation.name!r} updated ({existing[0].id}), notifying {args.block}\n")
        else:
            automation_id = client.create_automation(automation)
            sys.stdout.write(f"automation {automation.name!r} created ({automation_id}), notifying {args.block}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
