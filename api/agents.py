"""The MCP server: the public API's data for AI agents, over stdio or streamable HTTP.

Each tool is a thin call into the REST API, in process, through Django's own request
handler (every middleware, the API key check, the throttles, the validation and the one
error body), with the caller's API key and client address. So an agent gets exactly what
the API gives, its calls count in the same rate-limit bucket as its REST calls, and an API
error comes back as a tool error carrying the API's status, code and message.

The caller's key comes from the HTTP request (`Authorization: Api-Key <key>` or
`X-API-Key`) on streamable HTTP, or from the TOKEN_RESEARCH_API_KEY environment variable
on stdio; without one, the anonymous limit applies. Run it with
`manage.py mcp_server --transport stdio|http`.
"""

import io
import json
import threading
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

API_KEY_ENV = "TOKEN_RESEARCH_API_KEY"

INSTRUCTIONS = (
    "Token Research's ratings desk: tokens, their daily Trader Grade (short term) and Investor "
    "Grade (long term), 0-100, with signals, grade history, risk figures, the market overview and "
    "the desk's track record. Find a token's slug with search_tokens first. Research, not "
    "financial advice."
)


@dataclass(frozen=True)
class Caller:
    """Who is asking: the API key they sent (if any) and where they connect from."""

    api_key: str = ""
    address: str = "127.0.0.1"
    forwarded_for: str = ""

    @classmethod
    def from_headers(cls, headers, address):
        headers = {name.lower(): value for name, value in (headers or {}).items()}
        key = headers.get("x-api-key", "")
        authorization = headers.get("authorization", "")
        if not key and authorization.startswith("Api-Key "):
            key = authorization[len("Api-Key ") :]
        forwarded_for = headers.get("x-forwarded-for", "")
        return cls(api_key=key.strip(), address=address or "127.0.0.1", forwarded_for=forwarded_for)


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


_handler = None
_handler_lock = threading.Lock()


def _wsgi_handler():
    global _handler
    with _handler_lock:
        if _handler is None:
            _handler = WSGIHandler()
    return _handler


def call_api(path, params, caller):
    """GET one /api/v1/ path as `caller`, through the whole Django stack; the JSON answer,
    or ApiError with the API's own status, code and message."""
    site = urlsplit(settings.SITE_URL)
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "HTTP_HOST": site.netloc,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": caller.address,
        "HTTP_ACCEPT": "application/json",
        "HTTP_USER_AGENT": "token-research-mcp",
        "wsgi.url_scheme": site.scheme or "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if caller.api_key:
        environ["HTTP_X_API_KEY"] = caller.api_key
    if caller.forwarded_for:
        environ["HTTP_X_FORWARDED_FOR"] = caller.forwarded_for
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"] = int(status.split(" ", 1)[0])

    response = _wsgi_handler()(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    status = answered["status"]
    try:
        data = json.loads(body)
    except ValueError:
        raise ApiError(status, "error", f"The API answered {status} without JSON.") from None
    if status >= 400:
        error = data.get("error", {}) if isinstance(data, dict) else {}
        raise ApiError(status, error.get("code", "error"), error.get("message", f"HTTP {status}"))
    return data


def caller_of(ctx):
    """The caller of this tool call: from the HTTP request on streamable HTTP; on stdio,
    the key the server was started with."""
    request = getattr(ctx.request_context, "request", None)
    headers = getattr(request, "headers", None)
    if headers is None:
        return stdio_caller
    client = getattr(request, "client", None)
    return Caller.from_headers(headers, getattr(client, "host", ""))


stdio_caller = Caller()  # replaced by the mcp_server command with the key from the environment


async def get(ctx, path, **params):
    try:
        return await sync_to_async(call_api, thread_sensitive=False)(path, params, caller_of(ctx))
    except ApiError as error:
        raise ToolError(str(error)) from None


def slug_path(template, token):
    token = token.strip()
    if not token or "/" in token or "?" in token or "#" in token:
        raise ToolError(f"400 invalid: '{token}' is not a token slug; find it with search_tokens.")
    return template.format(token=token)


Slug = Annotated[str, Field(description="The token's slug, as search_tokens gives it.", max_length=120)]
Limit = Annotated[int, Field(ge=1, le=200, description="Rows per page (1-200).")]
Cursor = Annotated[str, Field(description="The `next` link's cursor from a previous answer, to page on.")]
IsoDate = Annotated[str, Field(description="YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$")]
Grade = Annotated[float, Field(ge=0, le=100)]

server = MCPServer(name="token-research", title="Token Research ratings", instructions=INSTRUCTIONS)


@server.tool()
async def search_tokens(
    ctx: Context,
    query: Annotated[str, Field(min_length=1, max_length=100, description="A name or a symbol, any case.")],
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Find tokens by name or symbol (exact symbol matches first, then prefixes, then larger
    market caps), each with its latest grades, and the research articles that match."""
    return await get(ctx, "/api/v1/search/", q=query, limit=limit)


@server.tool()
async def latest_grades(
    ctx: Context,
    token: Slug = "",
    symbol: Annotated[str, Field(max_length=30)] = "",
    category: Annotated[str, Field(max_length=100, description="A category slug, e.g. `defi`.")] = "",
    signal: Annotated[str, Field(pattern="^(|strong_buy|buy|neutral|sell|strong_sell)$")] = "",
    min_trader: Grade | None = None,
    min_investor: Grade | None = None,
    ordering: str = "",
    limit: Limit = 50,
    cursor: Cursor = "",
) -> dict[str, Any]:
    """Latest Trader and Investor Grades: of one token (`token`), or a page of tokens filtered
    by symbol, category, signal or minimum grades, best Investor Grade first unless
    `ordering` says otherwise (investor_grade, trader_grade, slug; a leading - sorts descending)."""
    if token:
        return await get(ctx, slug_path("/api/v1/grades/{token}/", token))
    return await get(
        ctx, "/api/v1/grades/", symbol=symbol, category=category, signal=signal, min_trader=min_trader,
        min_investor=min_investor, ordering=ordering, page_size=limit, cursor=cursor,
    )  # fmt: skip


@server.tool()
async def grade_history(
    ctx: Context,
    token: Slug,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    limit: Limit = 50,
    cursor: Cursor = "",
) -> dict[str, Any]:
    """A token's daily grades, newest first, with their component scores and changes."""
    path = slug_path("/api/v1/tokens/{token}/grades/", token)
    return await get(ctx, path, date_from=date_from, date_to=date_to, page_size=limit, cursor=cursor)


@server.tool()
async def risk_figures(ctx: Context, token: Slug) -> dict[str, Any]:
    """A token's risk figures: volatility, Sharpe and Sortino ratios, maximum drawdown, value
    at risk and beta to the market, over 30, 90 and 365 days."""
    return await get(ctx, slug_path("/api/v1/tokens/{token}/risk/", token))


@server.tool()
async def market_overview(ctx: Context) -> dict[str, Any]:
    """The whole market: total market cap and volume, breadth, the share of high grades, the
    bull/bear regime with its rule, sector performance and the biggest movers."""
    return await get(ctx, "/api/v1/market/")


@server.tool()
async def track_record(ctx: Context) -> dict[str, Any]:
    """The desk's track record from grades as they were published: forward returns at 7, 30
    and 90 days by grade band and signal, against the market, with hit rates."""
    return await get(ctx, "/api/v1/performance/")


def key_problem(raw):
    """Why this key is refused (the API's own words), or "" for a usable key or none."""
    from django.db import close_old_connections

    from .models import ApiKey

    if not raw:
        return ""
    try:
        key = ApiKey.find(raw)
    finally:
        close_old_connections()
    if key is None:
        return "Unknown API key. Get a free key at /api/keys/."
    if key.revoked_at is not None:
        revoked = f"{key.revoked_at:%Y-%m-%d}"
        return f"This API key ({key.key_prefix()}) was revoked on {revoked}. Get a new key at /api/keys/."
    return ""


class RefuseBadKeys:
    """ASGI middleware: a request with an unknown or revoked key gets the API's 401 before
    any MCP session starts (no key at all is anonymous, as on the REST API)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
            key = Caller.from_headers(headers, "").api_key
            problem = await sync_to_async(key_problem, thread_sensitive=False)(key)
            if problem:
                from .errors import error_body

                body = json.dumps(error_body(401, "authentication_failed", problem)).encode()
                await send({
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Api-Key")],
                })  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def http_app(host="127.0.0.1"):
    """The streamable HTTP app, at /mcp, each request standing alone (stateless, JSON
    answers), so any number of processes behind a proxy can serve it."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = [name for name in settings.ALLOWED_HOSTS if name != "*"]
    security = None
    if "*" not in settings.ALLOWED_HOSTS and host not in ("127.0.0.1", "localhost", "::1"):
        site = urlsplit(settings.SITE_URL)
        security = TransportSecuritySettings(
            allowed_hosts=[pattern for name in hosts for pattern in (name, f"{name}:*")],
            allowed_origins=[f"{site.scheme}://{site.netloc}"],
        )
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=security,
        host=host,
    )
    return RefuseBadKeys(app)
