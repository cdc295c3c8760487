"""The web world's fixtures, for the access rules that are seen through the web app."""

from tests.web.conftest import fast_password_hashing, sqlite_world  # noqa: F401
