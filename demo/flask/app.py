"""A minimal Flask host using the ipp-chat kit: Flask-Login sessions, a base layout with the widget.

    CHAT_API=http://127.0.0.1:8787/api/chat CHAT_JWT_SECRET=… FLASK_PORT=5000 python3 demo/flask/app.py

Its users (ids 1-4, password "demo") must exist in the BFF's users table; in
Import Profit Pro they come from the `users` table the two share. So must the
stock module's service account (CHAT_STOCKS_USER_ID, default 6, "IPP Stocks"),
which posts stock alerts into each item's room and, with the BFF's
CHAT_WEBHOOK_URL set to /chat/webhook here, answers "stock <ref>".
"""
import datetime
import os
import re

from flask import Flask, abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from ipp_chat import CHAT_PERMISSIONS, ChatError, chat_bp, chat_csp_sources, notify, record, verify_webhook


class User(UserMixin):
    def __init__(self, id, username, full_name, permissions):
        self.id, self.username, self.full_name, self.permissions = id, username, full_name, set(permissions)

    def has_permission(self, name):
        return name in self.permissions


USERS = {
    1: User(1, "alice", "Alice Martin", CHAT_PERMISSIONS),
    2: User(2, "bruno", "Bruno Durand", CHAT_PERMISSIONS),
    3: User(3, "chloe", "Chloé Bernard", [p for p in CHAT_PERMISSIONS if p != "chat.manage_rooms"]),
    4: User(4, "david", "David Petit", ["chat.read"]),
}

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("FLASK_SECRET_KEY", os.urandom(32)),
    CHAT_API=os.environ.get("CHAT_API", "http://127.0.0.1:8787/api/chat"),
    CHAT_JWT_SECRET=os.environ["CHAT_JWT_SECRET"],
    CHAT_WEBHOOK_SECRET=os.environ.get("CHAT_WEBHOOK_SECRET"),
    CHAT_STOCKS_USER_ID=int(os.environ.get("CHAT_STOCKS_USER_ID", "6")),
)

# The stock module's records (in Import Profit Pro, its tables).
STOCK = {
    "REF-42": {"label": "Chaise pliante", "quantity": 3, "threshold": 10, "buyers": [1, 2]},
    "REF-7": {"label": "Table basse", "quantity": 40, "threshold": 5, "buyers": [2]},
}
app.register_blueprint(chat_bp)
login_manager = LoginManager(app)
login_manager.login_view = "login"


@login_manager.user_loader
def load_user(user_id):
    return USERS.get(int(user_id))


@app.after_request
def content_security_policy(response):
    sources = chat_csp_sources(app.config["CHAT_API"])
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {sources['script-src']}; connect-src 'self' {sources['connect-src']}; "
        f"img-src 'self' {sources['img-src']}; style-src 'self'; object-src 'none'; base-uri 'none'"
    )
    return response


@app.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = next((u for u in USERS.values() if u.username == request.form.get("username")), None)
        if user and request.form.get("password") == "demo":
            login_user(user)
            return redirect(url_for("index"))
        error = "Identifiant ou mot de passe incorrect."
    return render_template("login.html", error=error)


@app.get("/logout")
def logout():
    logout_user()
    return redirect(url_for("login"))


@app.get("/")
@login_required
def index():
    return render_template("index.html")


@app.get("/stock/<ref>")
@login_required
def stock_item(ref):
    item = STOCK.get(ref) or abort(404)
    return render_template("stock_item.html", ref=ref, item=item, notices=get_flashed_messages())


@app.post("/stock/<ref>/alert")
@login_required
def stock_alert(ref):
    """A stock alert, posted by the stock module into the item's room, for its buyers and whoever raised it."""
    item = STOCK.get(ref) or abort(404)
    try:
        notify(
            app.config["CHAT_STOCKS_USER_ID"],
            to=record("stock_item", ref, f"{ref} · {item['label']}", url=url_for("stock_item", ref=ref),
                      members=[*item["buyers"], current_user.id]),
            content=f"Stock bas : {item['quantity']} {item['label']} restants (seuil {item['threshold']}). <@{current_user.id}>",
            # One alert per item and day, however many times it is raised.
            idempotency_key=f"stock-low-{ref}-{datetime.date.today().isoformat()}",
        )
        flash("Alerte envoyée dans la conversation de l'article.")
    except (ChatError, OSError) as err:
        app.logger.warning("stock alert not posted: %s", err)
        flash("Le chat est indisponible : alerte non envoyée.")
    return redirect(url_for("stock_item", ref=ref))


@app.post("/chat/webhook")
def chat_webhook():
    """The stock bot: answers "stock <ref>" said in a room it is in, or to it (<@6>)."""
    body = request.get_data()
    if not verify_webhook(body, request.headers.get("Ipp-Chat-Signature"), app.config["CHAT_WEBHOOK_SECRET"] or ""):
        abort(401)
    event = request.get_json()
    message = event["data"]
    asked = re.search(r"\bstock\s+([\w-]+)", message["content"], re.IGNORECASE)
    if event["type"] == "message.created" and asked:
        ref = asked.group(1).upper()
        item = STOCK.get(ref)
        answer = f"{ref} : {item['quantity']} {item['label']} en stock." if item else f"{ref} : article inconnu."
        # The event id makes the answer idempotent: a webhook delivered twice is answered once.
        notify(app.config["CHAT_STOCKS_USER_ID"], to={"roomId": message["roomId"]}, content=answer, idempotency_key=f"answer-{event['id']}")
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("FLASK_PORT", "5000")))
