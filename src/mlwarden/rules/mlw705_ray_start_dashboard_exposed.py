from __future__ import annotations

from typing import Iterator, List, Optional

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.rules._helpers import shell_finding
from mlwarden.rules.mlw703_ray_dashboard_exposed import exposed_host


def option_value(args: List[str], option: str) -> Optional[str]:
    """``--opt=value`` or ``--opt value`` among ``args`` (last one wins)."""
    found = None
    for i, word in enumerate(args):
        if word.startswith(option + "="):
            found = word[len(option) + 1:]
        elif word == option and i + 1 < len(args):
            found = args[i + 1]
    return found


class RayStartDashboardExposed(FileRule):
    """## What it does
    Flags `ray start ... --dashboard-host=0.0.0.0` (or `::`, or any address
    other than loopback) in notebook and IPython shell lines: `!ray start`,
    `%sx`/`%system`, and lines of `%%bash`/`%%sh` cells. `sudo`, `env` and
    `VAR=value` prefixes are seen through. The Python form,
    `ray.init(dashboard_host=...)`, is MLW703.

    ## Why is this bad?
    The Ray dashboard port also serves the Jobs API, which has no
    authentication: anyone who can reach it submits a job, which is
    arbitrary code on the cluster ("ShadowRay", CVE-2023-48022). Exposed
    clusters have been used to steal models, cloud credentials and compute.

    ## Example
    ```text
    !ray start --head --dashboard-host=0.0.0.0
    ```

    ## Use instead
    ```text
    !ray start --head
    ```
    The dashboard then listens on 127.0.0.1; reach it through an SSH tunnel.

    ## References
    - [Ray security documentation](https://docs.ray.io/en/latest/ray-security/index.html)
    - [CVE-2023-48022](https://nvd.nist.gov/vuln/detail/CVE-2023-48022)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW705"
    name = "ray-start-dashboard-exposed"
    severity = Severity.HIGH
    cwe = (306, 668)
    owasp = ("ML05:2023",)
    template = "`ray start --dashboard-host={}` exposes the unauthenticated Ray Jobs API (ShadowRay, CVE-2023-48022); keep the dashboard on 127.0.0.1"
    message = template.format("0.0.0.0")
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({"ray"})

    VALID = [
        Valid("!ray start --head\n", filename="example.ipy"),
        Valid("!ray start --head --dashboard-host=127.0.0.1\n", filename="example.ipy"),
        Valid("!echo ray start --dashboard-host=0.0.0.0\n", filename="example.ipy"),
        Valid("import ray\nray.init()\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("!ray start --head --dashboard-host=0.0.0.0\n", filename="example.ipy"),
        Invalid("!sudo env RAY_USAGE_STATS_ENABLED=0 ray start --head --dashboard-host 0.0.0.0 --port 6379\n", filename="example.ipy"),
        Invalid("%%bash\ncd /tmp\nray start --head --dashboard-host='::'  # error: MLW705\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import iter_shell_commands, program, shell_pipelines

        for record, command in iter_shell_commands(unit):
            if "ray" not in command or "dashboard-host" not in command:
                continue
            for pipeline in shell_pipelines(command):
                hit = None
                for words in pipeline:
                    name, args = program(words)
                    if name == "ray" and args[:1] == ["start"]:
                        host = option_value(args, "--dashboard-host")
                        if exposed_host(host):
                            hit = host
                if hit is not None:
                    yield shell_finding(self, unit, record, self.template.format(hit))
                    break
