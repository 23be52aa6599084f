"""Whether an open or a click was a reader's or a machine's, and why: plain rules over what
the request carried and when it came, so every event is stored with its reason.

Machines that touch newsletter email without a person behind them:
- privacy proxies that fetch every image when the message arrives, whether or not anyone
  reads it. Apple Mail Privacy Protection sends a bare "Mozilla/5.0"; others name
  themselves. (Gmail's and Yahoo's image proxies fetch when the reader opens the
  message, so their opens are a reader's.)
- anything within NEWSLETTERS_MACHINE_SECONDS of delivery: a proxy's prefetch or a
  security gateway's scan, faster than anyone opens a message;
- HEAD requests: a person's mail client or browser asks with GET;
- link scanners (Microsoft Safe Links, Proofpoint, Mimecast, Barracuda...): clients that
  name themselves, or a message whose links are clicked NEWSLETTERS_SCANNER_LINKS or more
  at a time, within NEWSLETTERS_SCANNER_SECONDS (scanner_bursts).
"""

import re

from django.conf import settings

HUMAN = "no sign of a machine"
APPLE_PROXY = "privacy proxy: Apple Mail Privacy Protection"
NAMED_PROXY = "privacy proxy: {name}"
HEAD = "HEAD request"
NO_AGENT = "no user agent"
SCANNER_AGENT = "link scanner or bot: {name}"
TOO_SOON = "within {seconds} s of delivery"
BURST = "link scanner: {links} links clicked within {seconds} s"

# A bare "Mozilla/5.0" is what Apple's proxy sends; a person's mail client says more.
APPLE_PROXY_AGENT = re.compile(r"^Mozilla/5\.0$")
PREFETCHING_PROXIES = {
    "proxy (Outlook image prefetch)": re.compile(r"\bms-office\b|Microsoft Office/.*Outlook", re.I),
}
# Proxies that fetch images when the reader opens the message: a reader's open.
READER_PROXIES = re.compile(r"GoogleImageProxy|YahooMailProxy", re.I)
SCANNERS = re.compile(
    r"(bot|crawl|spider|scan|preview|slurp|headless|python-|curl|wget|go-http-client|java/|okhttp|"
    r"libwww|httpclient|proofpoint|mimecast|barracuda|safelinks|symantec|forcepoint|trendmicro|"
    r"cisco|fireeye|sophos|zscaler|phantomjs)",
    re.I,
)


def judge(kind, method, user_agent, seconds_after_delivery):
    """(machine, reason) for one event from what the request itself tells."""
    agent = user_agent.strip()
    if method == "HEAD":
        return True, HEAD
    if not agent:
        return True, NO_AGENT
    if READER_PROXIES.search(agent):
        return too_soon(seconds_after_delivery) or (False, HUMAN)
    if kind == "open" and APPLE_PROXY_AGENT.match(agent):
        return True, APPLE_PROXY
    for name, pattern in PREFETCHING_PROXIES.items():
        if kind == "open" and pattern.search(agent):
            return True, NAMED_PROXY.format(name=name)
    scanner = SCANNERS.search(agent)
    if scanner:
        return True, SCANNER_AGENT.format(name=scanner.group(0).lower())
    return too_soon(seconds_after_delivery) or (False, HUMAN)


def too_soon(seconds_after_delivery):
    limit = settings.NEWSLETTERS_MACHINE_SECONDS
    if seconds_after_delivery is not None and seconds_after_delivery < limit:
        return True, TOO_SOON.format(seconds=limit)
    return None


def scanner_bursts(clicks):
    """Ids of the clicks that belong to a burst, each with its reason.

    ``clicks`` are one delivery's clicks as (id, link id, time), in time order. A burst is
    NEWSLETTERS_SCANNER_LINKS or more different links clicked within
    NEWSLETTERS_SCANNER_SECONDS of the burst's first click: what a scanner that follows
    every link does, and faster than a person reading.
    """
    needed, window = settings.NEWSLETTERS_SCANNER_LINKS, settings.NEWSLETTERS_SCANNER_SECONDS
    in_burst = {}
    start = 0
    for end in range(len(clicks)):
        while (clicks[end][2] - clicks[start][2]).total_seconds() > window:
            start += 1
        members = clicks[start : end + 1]
        links = {link for _, link, _ in members}
        if len(links) >= needed:
            reason = BURST.format(links=len(links), seconds=window)
            for event_id, _, _ in members:
                in_burst[event_id] = reason
    return in_burst
