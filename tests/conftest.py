"""Suite-wide test settings.

Hypothesis runs derandomized: every run of the suite (a developer's, CI's) explores the same
examples, so a red run is reproducible from the commit alone and a green one does not depend on
chance. Loaded here, before the test modules import, so each module's own `settings(...)` inherits
it; `HYPOTHESIS_PROFILE=explore` gives random exploration for a developer hunting new cases.

Neither profile times the tests: no per-example deadline and no "input generation is slow" health
check. CI runs on a loaded 2-core machine, where either fails a correct test by the clock alone
(seen: `test_pdf_fastformat` at load 6); speed is measured by the benchmarks in bench/, not here.
"""

import os

from hypothesis import HealthCheck, settings

UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", derandomize=True, database=None, **UNTIMED)
settings.register_profile("explore", **UNTIMED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
