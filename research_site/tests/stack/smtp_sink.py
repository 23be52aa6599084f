"""The stack's mail server: aiosmtpd in a process of its own, one JSON file per message received.

    python smtp_sink.py --port 2525 --folder /tmp/mail [--delay 0.03]

Each accepted message becomes <folder>/<time>-<random>.json with its envelope (from, to) and
its raw text, written before the server answers 250, so a message the sender was told was
accepted is always on disk. --delay waits that long before each answer, so a send lasts
long enough to be interrupted.

SIGTERM stops it the way a mail server shuts down: from then on DATA is answered
"421 try again later" (nothing is half-accepted), in-flight answers are let out, and the
port closes; a sender then finds the connection refused until the server is started again.
"""

import argparse
import asyncio
import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.closing = False

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.closing:
            return "421 4.3.2 Shutting down, try again later"
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        record = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "data": envelope.content.decode("utf-8", "replace"),
        }
        partial = self.folder / f".{name}.tmp"
        partial.write_text(json.dumps(record))
        os.replace(partial, self.folder / f"{name}.json")  # readers never see half a file
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)

    sink = Sink(args.folder, args.delay)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    controller.start()
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    while not stopping.wait(0.2):
        pass
    sink.closing = True
    time.sleep(args.delay + 0.5)  # answers already decided go out before the port closes
    controller.stop()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
