from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.rules._helpers import shell_finding

DOWNLOADERS = frozenset({"curl", "wget", "aria2c"})
_PLAIN_URL_RE = re.compile(r"(?i)(?:^|=)((?:http|ftp)://[^\s'\"]+)")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"})


def plain_urls(args):
    """Unencrypted URLs among a command's arguments (loopback excluded)."""
    for word in args:
        match = _PLAIN_URL_RE.search(word)
        if not match:
            continue
        url = match.group(1)
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        if host in _LOOPBACK or host.startswith("127.") or host.endswith(".localhost"):
            continue
        yield url


class ShellDownloadOverHttp(FileRule):
    """## What it does
    Flags shell lines in notebooks and IPython scripts (`!cmd`, `x = !cmd`,
    `%sx`/`%system`, lines of `%%bash`/`%%sh`/`%%script bash` cells) that
    download with `curl`, `wget` or `aria2c` from an `http://` or `ftp://` URL.
    `sudo`, `env`, `VAR=value` prefixes and full paths (`/usr/bin/wget`) are
    seen through; downloads from `localhost`/`127.0.0.1` are not flagged.

    ## Why is this bad?
    Anything fetched over plain HTTP can be replaced in transit (public Wi-Fi,
    a proxy, a compromised router). Model weights, datasets and install scripts
    fetched this way are then loaded or executed: a pickled checkpoint swapped
    on the wire runs the attacker's code when it is loaded.

    ## Example
    ```text
    !wget http://example.com/models/resnet50.pth
    ```

    ## Use instead
    ```text
    !wget https://example.com/models/resnet50.pth
    !echo "<expected sha256>  resnet50.pth" | sha256sum --check
    ```
    Prefer HTTPS and verify a published checksum before loading the file.

    ## Known problems
    Downloads from Python code (`urllib.request.urlretrieve("http://…")`) are
    other rules' business; `os.system("wget http://…")` is not inspected.

    ## References
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW220"
    name = "shell-download-over-http"
    severity = Severity.MEDIUM
    cwe = (494, 319)
    owasp = ("ML06:2023",)
    advice = "use `https://` and verify a checksum"
    message = f"`curl`/`wget` over `http://` lets anyone on the network replace the download; {advice}"
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({"http", "ftp"})

    VALID = [
        Valid("!wget https://example.com/model.bin\n", filename="example.ipy"),
        Valid("!curl -O http://localhost:8000/model.bin\n", filename="example.ipy"),
        Valid("!echo http://example.com/model.bin\n", filename="example.ipy"),
        Valid("url = 'http://example.com/model.bin'\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("!wget http://example.com/model.bin\n", filename="example.ipy"),
        Invalid("files = !curl -sL http://example.com/list.txt\n", filename="example.ipy"),
        Invalid("!sudo /usr/bin/wget -q -O data.zip HTTP://example.com/data.zip\n", filename="example.ipy"),
        Invalid("%%bash\ncd data\nwget --quiet ftp://example.com/data.tar.gz  # error: MLW220\necho done\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import iter_shell_commands, program, shell_pipelines

        for record, command in iter_shell_commands(unit):
            lowered = command.lower()
            if "http://" not in lowered and "ftp://" not in lowered:
                continue
            for pipeline in shell_pipelines(command):
                urls = [url for words in pipeline for name, args in [program(words)] if name in DOWNLOADERS for url in plain_urls(args)]
                if urls:
                    tool = next(program(w)[0] for w in pipeline if program(w)[0] in DOWNLOADERS)
                    yield shell_finding(self, unit, record, f"`{tool} {urls[0]}` downloads over an unencrypted connection that anyone on the network can tamper with; {self.advice}")
                    break
