"""A minimal Flask host using the ipp-chat kit: Flask-Login sessions, a base layout with the widget.

    CHAT_API=http://127.0.0.1:8787/api/chat CHAT_JWT_SECRET=… FLASK_PORT=5000 python3 demo/flask/app.py

Its users (ids 1-4, password "demo") must exist in the BFF's users table; in
Import Profit Pro they come from the `users` table the two share.
"""
import os

from flask import Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from ipp_chat import CHAT_PERMISSIONS, chat_bp, chat_csp_sources


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
)
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


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("FLASK_PORT", "5000")))
