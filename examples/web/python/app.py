"""Connect an end user's account from a web service: FastAPI, AsyncClient and
StateSigner. Any number of replicas can run behind one callback URL: they
share the state key, the session key and the database, and nothing else.

    python app.py          # http://127.0.0.1:8000, against an embedded sandbox

Configuration (environment): see README.md beside this file.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import os
import secrets
import sqlite3
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from elements_auth import (
    SIGNATURE_HEADER,
    AsyncClient,
    AuthorizationDeniedError,
    DecodeError,
    ElementsAuthError,
    EventNotification,
    Events,
    InvalidCallbackError,
    InvalidSignatureError,
    Sandbox,
    StateMismatchError,
    StateSigner,
    parse_event_notification,
    verify_webhook_signature,
)

log = logging.getLogger("connect-app")

# The elements users can connect, with what each needs from the app.
ELEMENTS = {"concur": "SAP Concur", "dropbox": "Dropbox"}
# Concur supports polling events only: the platform polls the resources named here.
CONCUR_POLLER = {"reports": {"url": "/hubs/expense/reports", "idField": "ID"}}
RECENT_EVENTS = 20
SESSION_COOKIE = "session"
SESSION_SECONDS = 8 * 3600


def _random_secret(name: str) -> str:
    log.warning("%s is not set: using a random one, which other replicas do not share", name)
    return secrets.token_urlsafe(32)


@dataclass
class Settings:
    """Everything the app reads from the environment, with the defaults of a local demo."""

    port: int = int(os.environ.get("PORT", "8000"))
    host: str = os.environ.get("HOST", "127.0.0.1")
    base_url: Optional[str] = os.environ.get("ELEMENTS_BASE_URL")
    api_key: str = os.environ.get("ELEMENTS_API_KEY", "demo-app-client-id")
    api_secret: str = os.environ.get("ELEMENTS_API_SECRET", "demo-app-client-secret")
    concur_site: str = os.environ.get("CONCUR_SITE_ADDRESS", "https://www.concursolutions.com")
    # The address every replica is reached at: the OAuth callback and the events route hang off it.
    public_url: str = os.environ.get("PUBLIC_URL", "")
    callback_url: str = os.environ.get("CALLBACK_URL", "")
    events_url: str = ""
    # Each new instance signs its event notifications with the current key; after a rotation
    # the instances created before it still sign with the previous one.
    events_key: str = field(
        default_factory=lambda: os.environ.get("EVENTS_SIGNATURE_KEY") or _random_secret("EVENTS_SIGNATURE_KEY")
    )
    events_previous_key: str = os.environ.get("EVENTS_PREVIOUS_SIGNATURE_KEY", "")
    state_key_id: str = os.environ.get("STATE_KEY_ID", "k1")
    state_secret: str = field(default_factory=lambda: os.environ.get("STATE_SECRET") or _random_secret("STATE_SECRET"))
    # "id:secret,id:secret": keys used before a rotation, which still verify.
    state_previous: str = os.environ.get("STATE_PREVIOUS_KEYS", "")
    state_ttl: float = float(os.environ.get("STATE_TTL_SECONDS", "600"))
    session_secret: str = field(
        default_factory=lambda: os.environ.get("SESSION_SECRET") or _random_secret("SESSION_SECRET")
    )
    database: str = os.environ.get("DATABASE", "connections.sqlite3")
    # "user:password,user:password": the demo's users.
    users: str = os.environ.get("DEMO_USERS", "alice:alice-password,bob:bob-password")
    name: str = os.environ.get("REPLICA_NAME", "")

    def __post_init__(self) -> None:
        self.public_url = (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
        self.callback_url = self.callback_url or f"{self.public_url}/oauth/callback"
        self.events_url = f"{self.public_url}/events"

    def signer(self) -> StateSigner:
        previous = _pairs(self.state_previous)
        return StateSigner(self.state_key_id, self.state_secret, ttl=self.state_ttl, previous=previous or None)

    def passwords(self) -> dict[str, str]:
        return _pairs(self.users)

    def signature_keys(self) -> list[str]:
        """The keys a notification may be signed with: the current one, then the previous one."""
        return [key for key in (self.events_key, self.events_previous_key) if key]

    def events_for(self, element: str) -> Events:
        """The events of a new instance of ``element``, sent to this app's ``/events``."""
        if element == "concur":
            return Events.polling(
                self.events_url, signature_key=self.events_key, refresh_interval=15, poller_configuration=CONCUR_POLLER
            )
        return Events.webhook(self.events_url, signature_key=self.events_key)


def _pairs(text: str) -> dict[str, str]:
    """``"a:1,b:2"`` as ``{"a": "1", "b": "2"}``."""
    return {name: value for name, _, value in (item.partition(":") for item in text.split(",") if item)}


settings = Settings()
signer = settings.signer()


# --- the database: one row per connected account; the token never leaves it ---


def db() -> sqlite3.Connection:
    conn = sqlite3.connect(settings.database, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def init_db() -> None:
    with db() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS connections (id INTEGER PRIMARY KEY, user TEXT NOT NULL,"
            " element TEXT NOT NULL, instance_id INTEGER NOT NULL, instance_name TEXT NOT NULL,"
            " element_token TEXT NOT NULL, created_at INTEGER NOT NULL)"
        )
        # One row per event id ever handled, by any replica: the primary key makes a replay a no-op.
        conn.execute("CREATE TABLE IF NOT EXISTS handled_events (event_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, user TEXT NOT NULL,"
            " instance_id INTEGER NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,"
            " event_type TEXT NOT NULL, received_at INTEGER NOT NULL)"
        )


def save_connection(user: str, element: str, instance_id: int, name: str, token: str) -> None:
    with db() as conn:
        conn.execute(
            "INSERT INTO connections (user, element, instance_id, instance_name, element_token, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user, element, instance_id, name, token, int(time.time())),
        )


def connections_of(user: str) -> list[tuple[str, str, int]]:
    with db() as conn:
        rows = conn.execute(
            "SELECT element, instance_name, created_at FROM connections WHERE user = ? ORDER BY id", (user,)
        ).fetchall()
    return [(str(e), str(n), int(t)) for e, n, t in rows]


def record_events(notification: EventNotification) -> tuple[bool, Optional[str]]:
    """Marks the notification's event id handled and records its events for the user who
    connected its instance, in one transaction; returns whether the id was new (not a platform
    retry or a replay, on this replica or another) and that user (None for an unknown instance)."""
    now = int(time.time())
    with db() as conn:
        marked = conn.execute(
            "INSERT OR IGNORE INTO handled_events (event_id, received_at) VALUES (?, ?)", (notification.event_id, now)
        )
        if marked.rowcount == 0:
            return False, None
        owner = conn.execute("SELECT user FROM connections WHERE instance_id = ?", (notification.instance_id,)).fetchone()
        if owner is None:
            return True, None
        conn.executemany(
            "INSERT INTO events (event_id, user, instance_id, object_type, object_id, event_type, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (notification.event_id, owner[0], notification.instance_id, e.object_type, e.object_id, e.event_type, now)
                for e in notification.events
            ],
        )
    return True, str(owner[0])


def events_of(user: str) -> list[tuple[str, str, str, str, str, int]]:
    """The user's newest events: event id, connection name, object type, object id, event type, time."""
    with db() as conn:
        rows = conn.execute(
            "SELECT e.event_id, c.instance_name, e.object_type, e.object_id, e.event_type, e.received_at"
            " FROM events e JOIN connections c ON c.instance_id = e.instance_id"
            " WHERE e.user = ? ORDER BY e.id DESC LIMIT ?",
            (user, RECENT_EVENTS),
        ).fetchall()
    return [(str(i), str(n), str(t), str(o), str(k), int(w)) for i, n, t, o, k, w in rows]


# --- the signed session cookie: who is signed in ---


def _session_mac(value: str) -> str:
    return hmac.new(settings.session_secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def session_cookie(user: str) -> str:
    value = f"{user}|{int(time.time()) + SESSION_SECONDS}"
    return f"{value}|{_session_mac(value)}"


def signed_in(request: Request) -> Optional[str]:
    """The user of a valid session cookie, or None."""
    user, _, rest = request.cookies.get(SESSION_COOKIE, "").partition("|")
    expires, _, mac = rest.partition("|")
    if not (user and expires.isdigit() and mac):
        return None
    if not hmac.compare_digest(mac, _session_mac(f"{user}|{expires}")) or int(expires) < time.time():
        return None
    return user


# --- pages ---


def page(title: str, body: str, status: int = 200, user: Optional[str] = None) -> HTMLResponse:
    who = (
        f'<form method="post" action="/logout">Signed in as <b id="user">{html.escape(user)}</b> '
        '<button id="logout">Sign out</button></form>'
        if user
        else ""
    )
    replica = f'<footer>served by <span id="replica">{html.escape(settings.name)}</span></footer>' if settings.name else ""
    return HTMLResponse(
        f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}} .error{{color:#a40000}}
li{{margin:.4em 0}} footer{{margin-top:3em;color:#777;font-size:small}}</style></head>
<body>{who}<h1 id="title">{html.escape(title)}</h1>{body}{replica}</body></html>""",
        status_code=status,
    )


def error_page(title: str, message: str, status: int, user: Optional[str]) -> HTMLResponse:
    body = (
        f'<p class="error" id="error">{html.escape(message)}</p>'
        '<p><a id="start-again" href="/connections">Start again</a></p>'
    )
    return page(title, body, status, user)


def state_error(err: StateMismatchError, user: str) -> HTMLResponse:
    if err.mismatch == "expired":
        return error_page("This sign-in expired", "It took too long to come back: connect the account again.", 400, user)
    return error_page(
        "This sign-in is not yours",
        "The link you followed was not started by you in this browser, or was altered. Nothing was connected.",
        400,
        user,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    init_db()
    sandbox = None
    if settings.base_url:
        client = AsyncClient(from_env=True, timeout=30)
    else:
        # No platform configured: run against an embedded sandbox with a real consent page.
        sandbox = Sandbox(auto_consent=False)
        client = AsyncClient(
            base_url=sandbox.base_url,
            user_secret=sandbox.user_secret,
            organization_secret=sandbox.organization_secret,
        )
        log.warning("no ELEMENTS_BASE_URL: using an embedded sandbox at %s", sandbox.base_url)
    app.state.client = client
    async with client:
        yield
    if sandbox is not None:
        sandbox.stop()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


@app.middleware("http")
async def log_without_query(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    # The path alone: a callback's query holds the code and the state.
    response = await call_next(request)
    log.info("%s %s %s", request.method, request.url.path, response.status_code)
    return response


@app.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/connections" if signed_in(request) else "/login", status_code=303)


LOGIN_FORM = """<form method="post" action="/login">
<p><label>User <input id="username" name="username" autocomplete="username"></label></p>
<p><label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label></p>
<p><button id="sign-in">Sign in</button></p></form>"""


@app.get("/login")
async def login_page() -> Response:
    return page("Sign in", LOGIN_FORM)


@app.post("/login")
async def login(request: Request) -> Response:
    form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
    user = form.get("username", [""])[0]
    password = form.get("password", [""])[0]
    expected = settings.passwords().get(user)
    if expected is None or not hmac.compare_digest(password.encode(), expected.encode()):
        return page("Sign in", '<p class="error" id="error">Unknown user or wrong password.</p>' + LOGIN_FORM, 401)
    response = RedirectResponse("/connections", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_cookie(user), max_age=SESSION_SECONDS, httponly=True, samesite="lax")
    return response


@app.post("/logout")
async def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@app.get("/connections")
async def connections(request: Request) -> Response:
    user = signed_in(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    rows = connections_of(user)
    items = "".join(
        f'<li data-element="{html.escape(e)}">{html.escape(ELEMENTS.get(e, e))}: {html.escape(n)}, connected '
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(t))} UTC</li>"
        for e, n, t in rows
    )
    listed = f'<ul id="connections">{items}</ul>' if rows else '<p id="none">No account connected yet.</p>'
    links = "".join(
        f'<li><a id="connect-{key}" href="/connect/{key}">Connect {html.escape(name)}</a></li>'
        for key, name in ELEMENTS.items()
    )
    events = "".join(
        f'<li data-event-id="{html.escape(i)}">{html.escape(n)}: {html.escape(t)} {html.escape(o)} {html.escape(k)}, '
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(w))} UTC</li>"
        for i, n, t, o, k, w in events_of(user)
    )
    recent = f'<ul id="events">{events}</ul>' if events else '<p id="no-events">No event yet.</p>'
    body = f"{listed}<h2>Connect an account</h2><ul>{links}</ul><h2>Recent events</h2>{recent}"
    return page("Your connections", body, user=user)


@app.get("/connect/{element}")
async def connect(element: str, request: Request) -> Response:
    user = signed_in(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if element not in ELEMENTS:
        return error_page("Unknown account type", f"{element} cannot be connected here.", 404, user)
    client: AsyncClient = request.app.state.client
    try:
        url = await client.oauth_url(
            element,
            settings.api_key,
            settings.api_secret,
            settings.callback_url,
            state=signer.sign(element, user),
            site_address=settings.concur_site if element == "concur" else None,
        )
    except ElementsAuthError as err:
        log.warning("oauth_url failed: %s", err)
        return error_page("The platform is unavailable", "Try again in a moment.", 502, user)
    return RedirectResponse(url.oauth_url, status_code=303)


@app.get("/oauth/callback")
async def callback(request: Request) -> Response:
    user = signed_in(request)
    if user is None:
        return error_page("Sign in first", "Sign in, then connect the account again.", 401, None)
    try:
        grant = signer.parse_callback(str(request.url), user)
        element = signer.verify(grant.state, user).element
    except StateMismatchError as err:
        log.info("callback refused: state %s", err.mismatch)
        return state_error(err, user)
    except AuthorizationDeniedError:
        return error_page("Connection declined", "You declined access at the provider. Nothing was connected.", 400, user)
    except InvalidCallbackError:
        return error_page("Invalid callback", "The provider sent an answer this app cannot read.", 400, user)
    client: AsyncClient = request.app.state.client
    name = f"{ELEMENTS[element]} of {user}" if element in ELEMENTS else f"{element} of {user}"
    try:
        instance = await client.create_instance(
            element,
            grant,
            name,
            settings.api_key,
            settings.api_secret,
            settings.callback_url,
            tags=[user],
            events=settings.events_for(element),
        )
    except ElementsAuthError as err:
        log.warning("create_instance failed: %s (may have reached the server: %s)", err, err.may_have_reached_server)
        return error_page("Could not connect the account", "The platform refused or did not answer.", 502, user)
    save_connection(user, element, instance.id, instance.name, instance.token)
    log.info("connected %s for %s", element, user)
    return RedirectResponse("/connections", status_code=303)


@app.post("/events")
async def receive_events(request: Request) -> Response:
    """The platform's event notifications: the signature is checked on the raw body before
    anything is parsed, and an event id already handled (by any replica) is answered 200 and
    ignored, since the signature has no timestamp and a replay verifies. The platform retries a
    non-2xx answer, so the work done before answering is only recording the event."""
    body = await request.body()
    try:
        verify_webhook_signature(settings.signature_keys(), body, request.headers.get(SIGNATURE_HEADER, ""))
    except InvalidSignatureError:
        log.warning("event refused: the signature does not verify")
        return Response(status_code=401)
    try:
        notification = parse_event_notification(body)
    except DecodeError:
        log.warning("event refused: not an event notification")
        return Response(status_code=400)
    new, user = record_events(notification)
    if not new:
        log.info("event %s: already handled", notification.event_id)
        return Response(status_code=200)
    if user is None:
        log.info("event %s: its instance is no connection here", notification.event_id)
    else:
        log.info("event %s: %d recorded for %s", notification.event_id, len(notification.events), user)
    return Response(status_code=202)


if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # uvicorn's access log would print the callback's query (code and state): ours logs paths only.
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False)
