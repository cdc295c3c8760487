"""The numbered pages of the registrations list, rendered once per page and language.

The pager depends on the language, the page, the number of pages and whether it is part
of the POSTed look at identities, and on the list's filters in each link. The filters
(the search text among them) are not remembered: the pager is remembered with a marker
in their place, which each request replaces with its own filters, escaped as the
template escapes them.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from zicht.web.i18n import Translator
from zicht.web.registrations_view import page_numbers
from zicht.web.rendering import environment

__all__ = ["numbered_pages"]

# No filter value can hold it: a query string is URL-encoded.
_FILTERS = "\x00filters\x00"


@lru_cache(maxsize=1024)
def _pager(lang: str, page: int, pages: int, in_look_form: bool) -> str:
    return environment.get_template("registrations_pager.html").render(
        t=Translator(lang),
        page=page,
        pages=pages,
        numbers=page_numbers(page, pages),
        base_query=_FILTERS,
        in_look_form=in_look_form,
    )


def numbered_pages(
    t: Translator, page: int, pages: int, base_query: str, in_look_form: bool
) -> Markup:
    """The pager of `page` of `pages` (nothing for one page); `base_query` is the list's
    URL-encoded filters followed by '&' (or ''), put before `page=` in each link."""
    html = _pager(t.lang, page, pages, in_look_form)
    return Markup(html.replace(_FILTERS, escape(base_query)))  # noqa: S704 - escaped above
