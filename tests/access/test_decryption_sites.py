"""Identity data is decrypted only where the audited door or documented processing is."""

from __future__ import annotations

from pathlib import Path

import zicht

# Written from docs/privacy.md ("One audited door to identities"): every module that
# calls `decrypt_json`, and why. A new call elsewhere fails here until it goes through
# `zicht.access` (or is documented as processing).
ALLOWED = {
    "access/_identities.py": "the door: reveal_identities(_async), audited",
    "ingest/_quarantine.py": "export_quarantine, audited with its look",
    "web/uploads.py": "original_cells, audited with its look",
    "store/reading.py": "read_records for linkage: processing, not a look",
    "platforms/_screen.py": "earlier ads' content for template grouping: processing, not a look",
    "platforms/_licence_lookup.py": "a licence holder's identity, audited with its look",
    "shelter/_places.py": "reveal_address, a shelter's secret address, audited with its look",
    "platforms/notices/_outbox.py": (
        "a notifier's address to send receipt and decision, a complainant's to send the "
        "outcome of the review: processing"
    ),
    "platforms/notices/_complaints.py": (
        "a complaint's text for the moderators who may review it: audited (complaints_read)"
    ),
    "platforms/notices/_decisions.py": (
        "a notice's locations into its Art. 18 referral: processing; a partner reading "
        "its referrals: audited with its look"
    ),
}


def _callers() -> set[str]:
    root = Path(zicht.__file__).parent
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "decrypt_json(" in path.read_text(encoding="utf-8")
        and path.relative_to(root).parts[0] != "privacy"  # where it is defined
    }


def test_only_the_known_sites_decrypt() -> None:
    assert _callers() == set(ALLOWED)


def test_web_routes_and_the_cli_never_decrypt_themselves() -> None:
    callers = _callers()
    assert not {c for c in callers if c.startswith(("web/routers/", "cli/"))}
