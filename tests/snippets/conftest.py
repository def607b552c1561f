"""A Hypothesis profile for mutation testing (benchmarks/mutation.py).

The same examples on every run and no example database, so a mutant's verdict does not
depend on chance or on which mutants ran before it; no shrinking, since a mutant is killed
by any failing example, not only by the smallest one.
"""

from hypothesis import Phase, settings

settings.register_profile(
    "mutation", derandomize=True, database=None, phases=[Phase.explicit, Phase.generate]
)
