"""One warm Lambda execution environment: a packaged handler in its own process.

Started by the Lambda runner as ``python -I lambda_container.py FUNCTION.zip``
with only the function's environment. It imports ``handler`` from the zip (as the
AWS runtime imports it from the unpacked package) and then answers invocations:
one JSON line in on stdin (the event), one JSON line out on the original stdout
(the result or the error, and the process's peak memory so far). Everything the
handler prints or logs goes to stderr, as it would go to CloudWatch.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time
import traceback
import uuid


class LambdaContext:
    def __init__(self, function_name: str, timeout_seconds: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"))
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def peak_memory_kb() -> int:
    """This process's own memory high-water mark.

    Not ``ru_maxrss``: Linux keeps it across exec, so a container started by a
    large parent would report the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def main() -> None:
    package = sys.argv[1]
    sys.path.insert(0, package)
    protocol = sys.stdout
    sys.stdout = sys.stderr  # a print() in the handler must not corrupt the protocol
    logging.basicConfig(stream=sys.stderr, format="[%(name)s] %(levelname)s %(message)s")
    import handler  # type: ignore[import-not-found]  # the zip's module, on sys.path only inside the container

    name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
    timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "900"))
    for line in sys.stdin:
        event = json.loads(line)
        try:
            answer = {"ok": True, "result": handler.lambda_handler(event, LambdaContext(name, timeout))}
        except Exception as error:
            answer = {
                "ok": False,
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_exc(),
            }
        answer["maxrss_kb"] = peak_memory_kb()
        protocol.write(json.dumps(answer, default=str) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
