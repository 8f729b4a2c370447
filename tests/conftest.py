"""Suite-wide test settings.

Hypothesis runs derandomized: every run of the suite (a developer's, CI's) explores the same
examples, so a red run is reproducible from the commit alone and a green one does not depend on
chance. Loaded here, before the test modules import, so each module's own `settings(...)` inherits
it; `HYPOTHESIS_PROFILE=explore` gives random exploration for a developer hunting new cases.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
