"""The stack (harness.py) behind Debian's Varnish running the repo's VCL.

deploy/varnish/default.vcl is used as shipped; only its include, backends.vcl, is written
here (as an operator edits it): the stack's nginx as the one app host, probed with the
stack's host name, and 127.0.0.1 (where the app's processes purge from) as the one purger.
Visitors come from other loopback addresses, so a PURGE of theirs is a stranger's.
"""

import os
import shutil

from research_site.tests.stack.harness import HOST, ROOT, Client, Service, Stack, free_port, port_open

VCL_FOLDER = ROOT / "deploy" / "varnish"


def varnishd_binary():
    return shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def missing_varnish():
    """Why Varnish cannot run here, or None."""
    if not varnishd_binary():
        return "varnishd not installed: apt-get install varnish (or `make stack-tools`)"
    return None


class EdgeStack(Stack):
    def __init__(self, folder):
        super().__init__(folder)
        self.ports["varnish"] = free_port()
        self.env.update(
            FRONTEND_CACHE="varnish",
            VARNISH_PURGE_URLS=f"http://127.0.0.1:{self.ports['varnish']}",
            TRUSTED_PROXY_HOPS="2",  # Varnish, then nginx
            # The anonymous API is kept one second, so a stale copy shows within seconds.
            EDGE_API_CACHE_SECONDS="1",
        )
        config = folder / "varnish-config"
        config.mkdir()
        (config / "backends.vcl").write_text(
            f"""
probe healthz {{
    .request = "GET /healthz HTTP/1.1" "Host: {HOST}" "X-Forwarded-Proto: https" "Connection: close";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}}
backend nginx {{
    .host = "127.0.0.1";
    .port = "{self.ports["nginx"]}";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}}
sub vcl_init {{
    new app = directors.round_robin();
    app.add_backend(nginx);
}}
acl purgers {{
    "127.0.0.1";
}}
"""
        )
        self.varnish = Service(
            "varnish",
            [varnishd_binary(), "-F", "-j", "none", "-n", str(folder / "varnish-work"),
             "-a", f"127.0.0.1:{self.ports['varnish']}", "-f", str(VCL_FOLDER / "default.vcl"),
             "-p", f"vcl_path={config}:{VCL_FOLDER}", "-s", "malloc,64m", "-T", "none"],
            folder,
            ready=lambda: port_open(self.ports["varnish"]),
        )
        self.services.append(self.varnish)

    def start(self):
        super().start()
        self.varnish.start()

    def edge_client(self, source=None):
        """A visitor through Varnish (then nginx), from a loopback address of its own."""
        return Client(self.ports["varnish"], source or self.new_address(), host=HOST)
