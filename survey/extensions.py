"""Extensions, created unbound; ``create_app`` calls ``init_app`` on each."""

from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: constraint names every migration and database agree on
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
compress = Compress()
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Xin đăng nhập để tiếp tục."
login_manager.login_message_category = "info"


def _hashed_client_address() -> str:
    # Imported late: the public package imports this module.
    from survey.public.clients import client_address_key

    return client_address_key()


#: rate limits of the citizen pages (survey/public); storage from RATELIMIT_STORAGE_URI
limiter = Limiter(key_func=_hashed_client_address)
