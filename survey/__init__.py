"""Khảo sát sự hài lòng (SIPAS) tại Trung tâm Phục vụ hành chính công và điểm tiếp nhận (trước 1/7/2025: Bộ phận Một cửa)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from survey.config import Defaults, from_environment, normalise_database_url


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Assemble the application: config, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    from survey.errors import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond the database's range are 404
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(test_config)

    if int(app.config.get("TRUSTED_PROXIES") or 0):
        # Behind nginx: take the client address from the proxies' X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]))

    os.makedirs(app.instance_path, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"] or "sqlite:///" + os.path.join(app.instance_path, "sipas.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError(
            "SECRET_KEY chưa được đặt: đặt biến môi trường SECRET_KEY hoặc ghi vào instance/config.py "
            "(make run tạo sẵn một khoá cho máy phát triển)."
        )

    from survey import admin, api, assets, database, errors, formatting, public, security
    from survey.cli import register_commands
    from survey.extensions import compress, csrf, db, limiter, login_manager, migrate
    from survey.services.users import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    database.init_app(app)
    security.init_app(app)
    app.jinja_env.filters.update(formatting.FILTERS)

    assets.init_app(app)
    app.register_blueprint(errors.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(admin.bp)
    api.init_app(app)
    register_commands(app)
    return app
