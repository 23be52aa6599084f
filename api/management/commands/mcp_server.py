import os

from django.core.management.base import BaseCommand, CommandError

from api import agents


class Command(BaseCommand):
    help = (
        "Serve the MCP server for AI agents: over stdio (the API key from "
        f"{agents.API_KEY_ENV}) or streamable HTTP at /mcp (the key from each request's "
        "Authorization: Api-Key header or X-API-Key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
        parser.add_argument("--host", default="127.0.0.1", help="HTTP only (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8001, help="HTTP only (default 8001)")

    def handle(self, *args, transport, host, port, **options):
        if transport == "stdio":
            key = os.environ.get(agents.API_KEY_ENV, "").strip()
            problem = agents.key_problem(key)
            if problem:
                raise CommandError(f"{agents.API_KEY_ENV}: {problem}")
            agents.stdio_caller = agents.Caller(api_key=key)
            agents.server.run("stdio")  # stdout carries the protocol: nothing else may print there
            return
        import uvicorn

        self.stderr.write(f"MCP over streamable HTTP at http://{host}:{port}/mcp")
        uvicorn.run(agents.http_app(host), host=host, port=port, log_level="warning")
