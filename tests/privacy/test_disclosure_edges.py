"""Disclosure control worked by hand: the attacker's system, the protection rule at its
edges and the choice of partners, on tables small enough to check on paper.

Written after reading mutmut's survivors (issue 23); every expected value here is
worked out from the rule in docs/privacy.md, not read from the code's output.
"""

from __future__ import annotations
