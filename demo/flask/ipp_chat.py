"""ipp-chat kit for a Flask host: the token route and the template helpers.

    from ipp_chat import chat_bp
    app.register_blueprint(chat_bp)        # GET /chat, /chat/<room_id>, /chat/token, /chat/static/...
    {% include "_ipp_chat.html" %}         # in base_modern_complete.html, before </body>

Configuration (app.config): CHAT_API (the BFF's API URL, e.g.
https://chat.example.com/api/chat), CHAT_JWT_SECRET (the BFF's key, 32+ bytes),
CHAT_JWT_AUDIENCE (default "ipp-chat"), CHAT_JWT_ISSUER (optional),
CHAT_TOKEN_MINUTES (default 15), CHAT_PAGE_LAYOUT (the template the /chat page
extends, default "base.html"; its content goes in the block "content").
"""
import time
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
