"""moto in server mode on 127.0.0.1, in a process of its own: ``python -m tests.infra.moto_server``.

Prints its URL on the first line of stdout, then serves until its standard input
closes, so a test that dies takes the server with it. A process of its own
because moto's state is global to a process: the resources Terraform creates
must not mix with the ones other tests' in-process servers hold (or reset).
"""

from __future__ import annotations

import logging
import os
import sys

from moto.server import ThreadedMotoServer


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request at INFO
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    sys.stdout.write(f"http://{host}:{port}\n")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads the pipe past the first line
    try:
        sys.stdin.read()  # until the test closes our stdin, or exits
    finally:
        server.stop()


if __name__ == "__main__":
    main()
