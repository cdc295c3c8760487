"""The remembered look form of the registrations list is the form the template renders
with the request's own values, whatever they hold."""

from __future__ import annotations

import pytest

from zicht.web.i18n import Translator
from zicht.web.registrations_form import look_form
from zicht.web.rendering import environment

# The form as registrations.html rendered it inline, with every value from the request:
# the oracle, rendered afresh for each case.
_INLINE = """{% from "macros.html" import input, csrf with context %}
<form method="post" action="/registrations" id="look" class="form identity-form">
  {{ csrf() }}
  {% for name, value in filters %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
  <fieldset>
    <legend>{{ _("Identity data") }}</legend>
    {{ input("purpose", _("Purpose of access"), errors, value=purpose, hint=_("Required to see identity data; the purpose is recorded in the audit trail.")) }}
  </fieldset>
  <button type="submit" class="button button-secondary" name="page" value="{{ page }}">{{ _("Show identity data") }}</button>
  {% if identities %}<button type="submit" class="button button-secondary" formaction="/registrations/export.csv">{{ _("Download CSV with identity data") }}</button>{% endif %}
</form>"""  # noqa: E501 - the template text as it was

HOSTILE = [
    '"><script>alert(1)</script>',
    "a & b ' \" < >",
    "\x00purpose\x00 \x00csrf\x00 \x00hidden\x00",  # the markers themselves, typed
    "Ünïcödé\u2028",
    "",
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    ("errors", "identities"),
    [({}, False), ({}, True), ({"purpose": "State the purpose of access"}, False)],
)
def test_the_look_form_is_the_inline_form(
    lang: str, text: str, errors: dict[str, str], identities: bool
) -> None:
    t = Translator(lang)
    errors = {name: t(message) for name, message in errors.items()}
    filters = [("q", text), ("record_type", "report"), ("sort", "-registration_date")]
    csrf = "c5rf" + text
    for page in (1, 7):
        expected = environment.from_string(_INLINE).render(
            t=t,
            csrf_token=csrf,
            filters=filters,
            purpose=text,
            errors=errors,
            page=page,
            identities=identities,
        )
        # Twice: the second from what was remembered.
        for _ in range(2):
            got = look_form(t, csrf, filters, text, errors, page, identities)
            assert str(got) == expected
