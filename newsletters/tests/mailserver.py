"""A real SMTP server for sending tests (aiosmtpd in a thread of the test process).

It counts the messages each recipient receives, keeps them, and answers with
scripted replies when a test asks: `server.answer_data("a@x", "451 ...")` answers that
recipient's next DATA with the reply instead of accepting it (`DROP`: hangs up instead).
A test can stop the server and start it again on the same port (an outage), and make it
require a login (`MailServer(password="...")`) that refuses any other password.
"""

import asyncio
import contextlib
import socket
import threading
from collections import Counter, defaultdict
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self, delay=0.0, pace=0.0):
        self.delay = delay
        self.pace = pace
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
        if self.pace:
            # Before counting: a server stopped now has not taken the message, and the
            # worker, which hears nothing back, sends it again later: exactly once.
            await asyncio.sleep(self.pace)
        for address in envelope.rcpt_tos:
            reply = self._scripted(self.data_replies, address)
            if reply == DROP:  # hang up without an answer: the client sees the connection go
                server.transport.close()
                return "451 4.3.0 Dropped"  # never reaches the client
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


DROP = "drop"  # a scripted DATA "reply" that hangs up instead of answering


def parse(content):
    return message_from_bytes(content, policy=policy.default)


class MailServer:
    def __init__(self, delay=0.0, pace=0.0, user="newsletters", password=None):
        self.handler = RecordingHandler(delay, pace)
        self.port = free_port()
        self.user, self.password = user, password
        self.logins_refused = 0
        self.controller = None

    def controller_for(self):
        if self.password is None:
            return Controller(self.handler, hostname="127.0.0.1", port=self.port)
        return Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            auth_required=True,
            auth_require_tls=False,  # a test server on localhost: LOGIN in the clear
            authenticator=self.authenticate,
        )

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            self.user.encode(),
            self.password.encode(),
        ):
            return AuthResult(success=True)
        self.logins_refused += 1
        return AuthResult(success=False, handled=False)

    def start(self):
        """Listen (again) on the server's port, keeping what it has received."""
        self.controller = self.controller_for()
        self.controller.start()

    def stop(self):
        """Stop listening and drop open sessions: the mail server is down."""
        if self.controller is not None:
            with contextlib.suppress(Exception):
                self.controller.stop()
            self.controller = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def received(self):
        with self.handler.lock:
            return Counter(self.handler.received)

    @property
    def connections_used(self):
        return len(self.handler.sessions)

    def message_ids(self):
        """How many times each Message-ID arrived, over every message received."""
        with self.handler.lock:
            messages = [content for contents in self.handler.messages.values() for content in contents]
        return Counter(parsed["Message-ID"] for parsed in map(parse, messages))

    def message(self, address, index=0):
        """The `index`th message `address` received, parsed."""
        return parse(self.handler.messages[address][index])

    def refuse_recipient(self, address, reply="550 5.1.1 No such mailbox"):
        self.handler.rcpt_replies[address].append(reply)

    def answer_data(self, address, *replies):
        """Answer the next DATA commands carrying `address` with these replies, in turn
        (DROP: hang up instead of answering)."""
        self.handler.data_replies[address].extend(replies)
