"""A real SMTP server for sending tests (aiosmtpd in a thread of the test process).

It counts the messages each recipient receives, keeps them, and answers with
scripted replies when a test asks: `server.answer_data("a@x", "451 ...")` answers that
recipient's next DATA with the reply instead of accepting it.
"""

import asyncio
import contextlib
import socket
import threading
from collections import Counter, defaultdict
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self, delay=0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.received = Counter()
        self.messages = defaultdict(list)
        self.sessions = set()
        self.rcpt_replies = defaultdict(list)
        self.data_replies = defaultdict(list)

    def _scripted(self, replies, address):
        with self.lock:
            return replies[address].pop(0) if replies[address] else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self._scripted(self.rcpt_replies, address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            reply = self._scripted(self.data_replies, address)
            if reply:
                return reply
        with self.lock:
            self.sessions.add(session)  # kept alive, so two connections never share an id
            for address in envelope.rcpt_tos:
                self.received[address] += 1
                self.messages[address].append(envelope.content)
        if self.delay:
            # Counted, and the reply not yet sent: a client killed now has delivered a
            # message it does not know about, the one case that may be duplicated.
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


class MailServer:
    def __init__(self, delay=0.0):
        self.handler = RecordingHandler(delay)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        with contextlib.suppress(Exception):
            self.controller.stop()

    @property
    def received(self):
        with self.handler.lock:
            return Counter(self.handler.received)

    @property
    def connections_used(self):
        return len(self.handler.sessions)

    def message(self, address, index=0):
        """The `index`th message `address` received, parsed."""
        return message_from_bytes(self.handler.messages[address][index], policy=policy.default)

    def refuse_recipient(self, address, reply="550 5.1.1 No such mailbox"):
        self.handler.rcpt_replies[address].append(reply)

    def answer_data(self, address, *replies):
        """Answer the next DATA commands carrying `address` with these replies, in turn."""
        self.handler.data_replies[address].extend(replies)
