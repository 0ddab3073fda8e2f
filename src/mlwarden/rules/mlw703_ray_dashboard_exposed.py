from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import re

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

_LOOPBACK = re.compile(r"(?:localhost|127(?:\.\d+){3}|::1|\[::1\])", re.I)


def exposed_host(host: object) -> bool:
    """A listen address other than loopback (``0.0.0.0``, ``::``, an interface IP)."""
    return isinstance(host, str) and host.strip() != "" and not _LOOPBACK.fullmatch(host.strip())


class RayDashboardExposed(ParamDefaults, CodeRule):
    """## What it does
    Flags `ray.init(dashboard_host=...)` with an address other than loopback
    (`"0.0.0.0"`, `"::"`, an interface IP). The shell form,
    `ray start --dashboard-host=0.0.0.0` in notebook shell lines, is MLW705.

    ## Why is this bad?
    The Ray dashboard port also serves the Jobs API, which has no
    authentication: anyone who can reach it submits a job, which is
    arbitrary code on the cluster. This is the "ShadowRay" campaign
    (CVE-2023-48022, disputed by the vendor as "by design"), in which
    exposed clusters were used to steal models, credentials and compute.

    ## Example
    ```python
    import ray

    ray.init(dashboard_host="0.0.0.0")
    ```

    ## Use instead
    ```python
    import ray

    ray.init()  # dashboard on 127.0.0.1; reach it through an SSH tunnel
    ```

    ## Options
    A host held in a module-level constant or a literal parameter default is
    followed; other expressions are not reported.

    ## References
    - [Ray security documentation](https://docs.ray.io/en/latest/ray-security/index.html)
    - [CVE-2023-48022](https://nvd.nist.gov/vuln/detail/CVE-2023-48022)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW703"
    name = "ray-dashboard-exposed"
    severity = Severity.HIGH
    cwe = (306, 668)
    owasp = ("ML05:2023",)
    template = "`ray.init(dashboard_host={!r})` exposes the unauthenticated Ray Jobs API (ShadowRay, CVE-2023-48022); keep the dashboard on 127.0.0.1"
    message = template.format("0.0.0.0")
    triggers = frozenset({"dashboard_host"})

    VALID = [
        Valid("import ray\nray.init()"),
        Valid("import ray\nray.init(dashboard_host='127.0.0.1')"),
        Valid("import ray\nray.init(dashboard_host=args.host)"),
    ]
    INVALID = [
        Invalid("import ray\nray.init(dashboard_host='0.0.0.0')"),
        Invalid("from ray import init\nHOST = '::'\ninit(include_dashboard=True, dashboard_host=HOST)"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        if not self.ctx.call_to(node, ("ray.init",)):
            return
        present, value = self.ctx.keyword(node, "dashboard_host")
        if not present:
            return
        host = self.resolve(value)
        if exposed_host(host):
            self.report(node, self.template.format(host))
