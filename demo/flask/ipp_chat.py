"""ipp-chat kit for a Flask host: the token route and the template helpers.

    from ipp_chat import chat_bp
    app.register_blueprint(chat_bp)        # GET /chat, /chat/<room_id>, /chat/token, /chat/static/...
    {% include "_ipp_chat.html" %}         # in base_modern_complete.html, before </body>

Configuration (app.config): CHAT_API (the BFF's API URL, e.g.
https://chat.example.com/api/chat), CHAT_JWT_SECRET (the BFF's key, 32+ bytes),
CHAT_JWT_AUDIENCE (default "ipp-chat"), CHAT_JWT_ISSUER (optional),
CHAT_TOKEN_MINUTES (default 15), CHAT_PAGE_LAYOUT (the template the /chat page
extends, default "base.html"; its content goes in the block "content").

The host's own calls: notify(sender_id, to=..., content=..., idempotency_key=...)
posts as a service account (host token, scope "host"); verify_webhook(body,
header, secret) checks an outgoing webhook's Ipp-Chat-Signature
(CHAT_WEBHOOK_SECRET on both sides).
"""
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import jwt
from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required

CHAT_PERMISSIONS = ("chat.read", "chat.create", "chat.update", "chat.delete", "chat.manage_rooms")

chat_bp = Blueprint("chat", __name__, static_folder="static", static_url_path="/chat/static", template_folder="templates")


def display_name(user):
    """The name the chat shows: full_name, else username, like the BFF's USERS_NAME_COLUMNS."""
    return getattr(user, "full_name", None) or getattr(user, "username", None) or str(user.id)


@chat_bp.get("/chat/token")
@login_required
def chat_token():
    """A short-lived chat token for the logged-in user (the widget's token-url)."""
    now = int(time.time())
    claims = {
        "sub": str(current_user.id),
        "name": display_name(current_user),
        "perms": [p for p in CHAT_PERMISSIONS if current_user.has_permission(p)],
        "iat": now,
        "exp": now + 60 * current_app.config.get("CHAT_TOKEN_MINUTES", 15),
        "aud": current_app.config.get("CHAT_JWT_AUDIENCE", "ipp-chat"),
    }
    if current_app.config.get("CHAT_JWT_ISSUER"):
        claims["iss"] = current_app.config["CHAT_JWT_ISSUER"]
    token = jwt.encode(claims, current_app.config["CHAT_JWT_SECRET"], algorithm="HS256")
    response = jsonify(token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@chat_bp.get("/chat")
@chat_bp.get("/chat/<int:room_id>")
@login_required
def chat_page(room_id=None):
    """The conversation page: the list beside the open conversation, whose id the address follows."""
    return render_template("ipp_chat_page.html", room_id=room_id, layout=current_app.config.get("CHAT_PAGE_LAYOUT", "base.html"))


def chat_csp_sources(chat_api):
    """The CSP sources a host page needs for the widget: its script and API origin, and blob: pictures."""
    parts = urlsplit(chat_api)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"
    return {"script-src": origin, "connect-src": origin, "img-src": "blob: data:"}


@chat_bp.app_context_processor
def chat_template_values():
    api = current_app.config.get("CHAT_API", "/api/chat")
    script = api.rsplit("/api/chat", 1)[0] + "/ipp-chat.js"
    return {"ipp_chat_api": api, "ipp_chat_script": script}


class ChatError(Exception):
    """A refused host call: `status` and the problem+json body (`code`, `reason`, `detail`)."""

    def __init__(self, status, problem):
        super().__init__(f"ipp-chat answered {status}: {problem.get('detail', problem)}")
        self.status, self.problem = status, problem


def host_token(secret=None, audience=None, issuer=None, lifetime=60):
    """A short-lived host token: scope "host", no sub, signed with the chat's key."""
    config = current_app.config if secret is None else {}
    now = int(time.time())
    claims = {"scope": "host", "iat": now, "exp": now + lifetime, "aud": audience or config.get("CHAT_JWT_AUDIENCE", "ipp-chat")}
    if issuer or config.get("CHAT_JWT_ISSUER"):
        claims["iss"] = issuer or config["CHAT_JWT_ISSUER"]
    return jwt.encode(claims, secret or config["CHAT_JWT_SECRET"], algorithm="HS256")


def record(type, id, label, url=None, members=()):
    """The `to` of a host record's room (created when absent, `members` added when missing)."""
    context = {"type": type, "id": str(id), "label": label, **({"url": url} if url else {})}
    return {"context": context, "memberIds": [int(m) for m in members]}


def notify(sender_id, to, content, idempotency_key=None, api=None, secret=None, timeout=10):
    """Posts `content` as the service account `sender_id` (an active user of the users table).

    `to` is {"userId": id} (their direct conversation), {"roomId": id} (a room the
    sender is in) or record(...) (a host record's room). The same idempotency_key
    again posts nothing and returns the first message: give one that names the
    event (e.g. f"stock-low-{ref}-{date}"), so a retry cannot post twice.
    Returns the message (a dict); raises ChatError when refused.
    """
    key = idempotency_key or uuid.uuid4().hex
    body = json.dumps({"senderId": int(sender_id), "to": to, "content": content, "idempotencyKey": key}).encode()
    url = (api or current_app.config["CHAT_API"]).rstrip("/") + "/host/messages"
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {host_token(secret)}",
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as err:
        try:
            problem = json.load(err)
        except ValueError:
            problem = {"detail": err.reason}
        raise ChatError(err.code, problem) from None


def verify_webhook(body, header, secret, tolerance=300):
    """Whether `header` (Ipp-Chat-Signature: t=…,v1=…) signs the raw `body` with `secret`, within `tolerance` seconds."""
    if isinstance(body, str):
        body = body.encode()
    parts = dict(p.strip().split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
