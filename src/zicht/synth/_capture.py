"""Who registers whom: a log-linear capture model with covariates and heterogeneity.

For victim i with covariates x_i and hidden findability z_i ~ N(0, 1), the chance of
capture history h (bit k: registered by list k) is

    P(h | x_i, z_i) ∝ exp( sum_k h_k (a_k + x_i'b_k + y_k(year) + sigma l_k z_i)
                           + sum_{j<k} h_j h_k g_jk )

the log-linear model with two-way interactions of multiple systems estimation
(Fienberg 1972; Bishop, Fienberg and Holland 1975, ch. 6) with a Rasch-type individual
effect (Darroch et al. 1993). a_k = logit(base_probability): the chance that list k
registers a reference victim whom no other list registers. g_jk is the conditional
log odds ratio of lists j and k. With sigma = 0 and g = 0 the lists are independent
given the covariates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.standard import FORMS
from zicht.synth._scenario import COVARIATES, LISTS, Capture

__all__ = ["CHUNK", "covariates", "simulate_capture", "step_effects"]

CHUNK = 32_768  # persons per block of the history matrix; fixed so results do not vary
Matrix = npt.NDArray[np.float64]


def covariates(victims: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The 0/1 covariate matrix (persons x COVARIATES) of the capture model."""
    bits = victims["form_bits"].to_numpy(np.int64)

    def has(form: str) -> npt.NDArray[np.bool_]:
        flags: npt.NDArray[np.bool_] = ((bits >> FORMS.codes.index(form)) & 1).astype(bool)
        return flags

    columns = {
        "sexual": pd.Series(has("sexual_domestic") | has("sexual_cross_border")),
        "labour": pd.Series(has("labour")),
        "criminal": pd.Series(has("criminal")),
        "minor": (victims["age"] < 18).reset_index(drop=True),
        "female": victims["gender"].isin(["female", "transgender_female"]).reset_index(drop=True),
        "foreign": (victims["nationality"] != "NL").reset_index(drop=True),
        "cross_border": pd.Series(has("sexual_cross_border"))
        | (victims["country_of_exploitation"] != "NL").reset_index(drop=True),
    }
    return np.column_stack([columns[name].to_numpy(bool) for name in COVARIATES]).astype(float)


def step_effects(effects: dict[int, float], years: npt.NDArray[np.int64]) -> Matrix:
    """Log-odds per year as a step function: the latest listed year at or before applies."""
    out = np.zeros(len(years))
    for year in sorted(effects):
        out[years >= year] = effects[year]
    return out


def _main_effects(cfg: Capture, victims: pd.DataFrame, z: Matrix) -> Matrix:
    x = covariates(victims)
    years = victims["year"].to_numpy(np.int64)
    shared = step_effects(cfg.year_effects, years)
    columns = []
    for name in LISTS:
        org = cfg.organisations[name]
        beta = np.array([org.effects.get(c, 0.0) for c in COVARIATES])
        logit = np.log(org.base_probability / (1 - org.base_probability))
        columns.append(
            logit
            + x @ beta
            + shared
            + step_effects(org.year_effects, years)
            + cfg.heterogeneity_sd * org.heterogeneity_loading * z
        )
    return np.column_stack(columns)


def _histories() -> npt.NDArray[np.float64]:
    codes = np.arange(2 ** len(LISTS))
    return ((codes[:, None] >> np.arange(len(LISTS))[None, :]) & 1).astype(float)


def interaction_matrix(cfg: Capture) -> Matrix:
    """Symmetric t x t matrix of the two-way log odds ratios g_jk."""
    g = np.zeros((len(LISTS), len(LISTS)))
    for interaction in cfg.interactions:
        j, k = (LISTS.index(name) for name in interaction.between)
        g[j, k] = g[k, j] = interaction.log_odds_ratio
    return g


def simulate_capture(
    cfg: Capture, victims: pd.DataFrame, rng: np.random.Generator
) -> tuple[npt.NDArray[np.bool_], Matrix, Matrix]:
    """Sample capture histories.

    Returns:
        captured (persons x lists, bool), the marginal probability of each list per
        person, and the hidden findability z.
    """
    n = len(victims)
    z = rng.standard_normal(n)
    main = _main_effects(cfg, victims, z)
    h = _histories()
    g = interaction_matrix(cfg)
    pair_term = (0.5 * np.einsum("hj,jk,hk->h", h, g, h)).astype(np.float32)
    h32 = h.astype(np.float32)
    main32 = main.astype(np.float32)
    captured = np.zeros((n, len(LISTS)), dtype=bool)
    marginal = np.zeros((n, len(LISTS)))
    for start in range(0, n, CHUNK):
        block = main32[start : start + CHUNK]
        # single precision: the history matrix is the bulk of the work, and 1e-7 is
        # far below any sampling error
        w = block @ h32.T
        w += pair_term
        w -= w.max(axis=1, keepdims=True)
        np.exp(w, out=w)
        w /= w.sum(axis=1, keepdims=True)
        marginal[start : start + CHUNK] = w @ h32
        u = rng.random(len(block), dtype=np.float32)
        np.cumsum(w, axis=1, out=w)
        history = (w < u[:, None]).sum(axis=1)
        history = np.minimum(history, len(h) - 1)
        captured[start : start + CHUNK] = h[history].astype(bool)
    return captured, marginal, z
