"""Generic keyword secrets: a literal assigned to a credential-named key.

``api_key = "…"``, ``SECRET = "…"``, ``client_secret: …``, ``MY_SERVICE_TOKEN=…``,
``"apiKey": "…"``, ``headers = {"Authorization": "Bearer …"}``,
``<authToken>…</authToken>``, ``auth_token: |`` + a value on the next line,
``System.setProperty("X_TOKEN", "…")``, ``$api_key[] = "…"``, ``api_key "…";``,
``<add key="DbPassword" value="…"/>``, a user and password passed together
(``auth=("user", "…")``, ``HTTPBasicAuth("user", "…")``,
``NetworkCredential("user", "…")``), prose that quotes a password (``the
default password is '…'``), ``--password …`` on a command line, ``curl -u
user:…``, a ``.netrc`` ``login … password …``, ``redis://:…@host``, a Dockerfile's
``ENV API_TOKEN …``, ``mysql -p…``, a command-line option's
default (``add_argument("--api-key", default="…")``), and the same in Go, Java, Kotlin, PHP,
Makefile, INI, YAML, JSON and XML syntax.

The *name* decides whether a value is looked at, the *value* whether it is
reported:

- names are split into words (``mySecretString`` -> my, secret, string); a
  credential word must be a whole word (``monkey``, ``turkey``, ``author``,
  ``tokenizer``, ``keyboard`` are not), and a word that says the value is not
  the credential itself excludes the name (``secret_name``, ``token_url``,
  ``key_id``, ``public_key``, ``pad_token``, ``max_tokens`` …);
- password-like names (``password``, ``passwd``, ``pwd``) report any value
  that is not a placeholder; token, secret and API-key names need a value
  that looks random (:func:`mlwarden.secrets.noise.generic_reason`); a bare
  ``key`` needs a long high-entropy value.

Pure functions over text (no detect-secrets import): the adapter runs them on
whole files at once, and :class:`~mlwarden.secrets.detectors.GenericSecretDetector`
wraps them as a detect-secrets plugin.
"""

from __future__ import annotations

from keyword import iskeyword
from mlwarden.core import lazyre as re  # patterns compile on first use
from mlwarden.core.regexlit import with_needles
from typing import Iterator, List, Optional, Sequence, Tuple

from mlwarden.secrets.noise import auth_scheme_value, generic_reason, passphrase_value, random_case_run, url_role_login

SECRET_TYPE = "Generic Secret"

_OP = r"(?::{1,3}=|[?+.]?=(?!=)|=>|:(?!:)|,|\(|>|" + r"value[ \t]*=(?=[ \t]*[\"'])|" + r"(?=[\"'`][^\"'`\n]{1,600}[\"'`][ \t]*(?:;(?:[ \t]|$)|$)))"
#: the operators above: assignments, ``=>``, ``:``, a call's ``(`` or ``,``
#: (``setProperty("X_TOKEN", "…")``), XML's ``>``; ``value=`` after a quoted
#: name (``<add key="DbPassword" value="…"/>``, ``<property name="password"
#: value="…"/>``); and none at all before a quoted value that ends the
#: statement (``api_key "…";``: nginx, Perl, Tcl directives)
#: searched in lower-cased text: a credential word, a short rest of the name,
#: an assignment operator and the first 8 characters of a value
_TRIGGER_WORDS = (
    # a credential word; the lookaheads skip names the judge always rejects
    # (plurals, `tokenizer`, `token_type_ids`, `key_states` …: ML code is full
    # of them, and each would cost a Python-level look)
    "pass(?!e[sd]|ing|age)", "pwd", "psw", r"pw\b", "secret(?!s)", r"token(?!s|iz|_type|_ids?\b|_idx|_index|_mask)",
    r"key(?!s|_states|_values|_value_head|_layer|_proj|points?|word|board|frame|_ids?\b)", "auth(?!or(?!iz))", "cred",
    "bearer", "contrase",
    # `GITHUB_PAT`, `ado_pat`, `GitHubPAT`: a personal access token (the judge
    # wants a platform word in the name; `path`, `pattern`, `patch` never fire)
    r"pat(?![a-z0-9])",
    # SonarQube's legacy `sonar.login` parameter, an analysis token (`-Dsonar.login=…`)
    r"sonar\.login",
    # a name that ends with `api` (`billing_api = "…"`, `serviceApi: …`): the
    # service's key (`api_url`, `api_version` go on past it and never fire)
    r"api(?![a-z0-9_])(?=[\"'`]?\]?[ \t]*(?::{1,3}=|[?+.]?=(?!=)|=>|:(?!:)))",
    # passwords named in other languages (Portuguese, Korean, Chinese,
    # Japanese, Russian, Turkish): :data:`FOREIGN_PASSWORD_WORDS`
    "senha", "비밀번호", "비번", "패스워드", "암호", "密码", "密碼", "口令", "パスワード", "пароль", "şifre",
)
#: password words of other languages (a name holding one is a password's)
FOREIGN_PASSWORD_WORDS = ("senha", "비밀번호", "비번", "패스워드", "암호", "密码", "密碼", "口令", "パスワード", "пароль", "şifre")
_TRIGGER_REST = (
    r"[\w.$@\-]{0,40}?[\"'`]?\]?(?:\[\])?[ \t]*"
    # (`(?<=[ \t])`, not `[ \t]+`, after the blanks: two quantifiers over the
    # same blanks split a long run in n**2 ways when no operator follows)
    r"(?::[ \t]*[a-z_][\w.\[\]]*(?=[ \t]*=[ \t]*[\"'`]|[ \t]+=)[ \t]*|(?<=[ \t])(?:string|str|const|final|bytes)[ \t]*(?=:?=))?"
    + _OP
    + r"[ \t]*(?:@|[rbuf]{1,2}(?=[\"']))?"
    # a quoted value may hold any punctuation (`P@ss{w0rd}`); an unquoted one
    # must not start like an expression (`f(x)`, `[a, b]`, `{…}`). A
    # lookahead: the value is not consumed, so a credential name inside it
    # (`key="SmtpPassword" value=…`) starts a match of its own
    # (inside a quoted value the other kinds of quote are text: `"7`D'}/…"`)
    + r"(?=[\"'`]{1,2}(?:\\[\"'])?(?:(?:bearer|token|basic)[ \t]+)?[^\s\"'`\\]{6}|\"[^\s\"\\]{6}|'[^\s'\\]{6}"
    + r"|(?:(?:bearer|token|basic)[ \t]+)?[^\s\"'`,;\\<>(){}\[\]]{6})"
)
#: searched in lower-cased text: a credential word, a short rest of the name,
#: an assignment operator and the first 8 characters of a value
TRIGGER = re.compile(r"(?=[" + "".join(sorted({w[0] for w in _TRIGGER_WORDS})) + "])(?:" + "|".join(_TRIGGER_WORDS) + ")" + _TRIGGER_REST)


def _by_first_char(words: Sequence[str], rest: str) -> Tuple["re.Pattern[str]", ...]:
    groups: dict = {}
    for word in words:
        # words that start with a letter outside ASCII (rare in code) share
        # one regex: each further regex is one more scan of every file
        groups.setdefault(word[0] if word[0].isascii() else "", []).append(word)
    from mlwarden.core.regexlit import quick_literal

    out = []
    for group in groups.values():
        pattern = re.compile("(?:" + "|".join(group) + ")" + rest)
        # a word outside ASCII (`пароль`, `密码`) is its own literal (no
        # metacharacter, searched as written in lower-cased text): without it
        # every file would compile that group's regex (~5 ms) to learn nothing
        needles = [quick_literal(word) or ((word, False) if not word.isascii() and re.escape(word) == word else None) for word in group]
        if all(n is not None and not n[1] for n in needles):
            with_needles(pattern, [n[0] for n in needles])  # `pass`, `pwd`, `pw`: one must be in the text
        out.append(pattern)
    return tuple(out)


#: :data:`TRIGGER` as one regex per first letter: each is searched with
#: ``re``'s literal scan (the alternation's leading class holds common
#: letters and is tried at most positions of a file); :func:`leftmost`
#: combines their matches into exactly the matches of ``TRIGGER.finditer``.
_TRIGGER_BY_CHAR = _by_first_char(_TRIGGER_WORDS, _TRIGGER_REST)


def leftmost(patterns: Sequence["re.Pattern[str]"], text: str) -> Iterator["re.Match[str]"]:
    """The matches ``re.compile("|".join(patterns)).finditer(text)`` would
    give, for patterns that can never match at the same position (each
    starts with its own literal character) and never match empty: at each
    step the leftmost next match of any pattern, then the search goes on
    after it."""
    from mlwarden.core.regexlit import cannot_match

    pending = {}
    for pattern in patterns:
        if cannot_match(pattern, text):
            continue  # none of its words is in the text: not even compiled
        match = pattern.search(text)
        if match is not None:
            pending[pattern] = match
    pos = 0
    while pending:
        pattern, match = min(pending.items(), key=lambda item: item[1].start())
        yield match
        pos = match.end()
        for other, waiting in list(pending.items()):
            if waiting.start() < pos:
                again = other.search(text, pos)
                if again is None:
                    del pending[other]
                else:
                    pending[other] = again


#: the value on the next line: ``key: |`` (YAML block) or ``<key>`` (XML);
#: found from the line end (``|``/``>`` ends few lines of code), the key is
#: checked before it (:data:`_BLOCK_KEY`)
TRIGGER_BLOCK = re.compile(r"[|>][-+]?[ \t]*$", re.M)
_BLOCK_KEY = re.compile(r"(?:pass|pwd|secret|token|key|auth|cred)[\w.\-]*(?:[\"']?:[ \t]*[|>][-+]?|>)[ \t]*$")

# The patterns below are searched in lower-cased text. Each starts with a
# literal (``re`` then scans for it at C speed: about 0.03 s of CPU each on
# the 53 MB of transformers, so there are few of them); what must stand
# before the literal is checked in :func:`_extra_matches`.

#: two string literals, the user and (group ``pw``) the password
_PAIR_REST = r"[ \t]*(?P<q1>[\"'])[^\"'\n]+(?P=q1)[ \t]*,[ \t]*(?P<q2>[\"'])(?P<pw>[^\"'\n]{1,200})(?P=q2)[ \t]*[).,\]]"
#: a flag's or a directive's value after a blank (group ``pw``); a flag names
#: a credential with its words (``--api-key``, ``--proxy-password``) or with a
#: word glued before ``password`` (curl's ``--tlspassword``, ``--keypassword``)
_FLAG_VALUE = r"[ \t]+(?P<q>[\"']?)(?P<pw>[^\s\"'`$<{(\[\-][^\s\"'`]{5,199})(?P=q)(?=[\s;&|)]|$)"
_CREDENTIAL_FLAG = (r"(?:[a-z0-9]+[-_])*(?:[a-z]{1,12}(?=password|passwd))?(?:password|passwd|pass|pwd|token|secret|api[-_]?key|access[-_]?key|"
                    r"secret[-_]?key|private[-_]?key|auth)(?:[-_][a-z0-9]+)*")

TRIGGER_EXTRA = (
    # a user and password passed together: `auth=("user", "…")`,
    # `basic_auth=("elastic", "…")`, `http_auth: ["u", "…"]`,
    # `HTTPBasicAuth("u", "…")`, aiohttp's `BasicAuth`, Java's
    # `PasswordAuthentication("u", "…".toCharArray())`
    re.compile(r"auth(?P<ent>entication)?[ \t]*(?P<op>[=:][ \t]*[(\[]|\()" + _PAIR_REST),
    # .NET's `NetworkCredential("u", "…")`, `UsernamePasswordCredential(…)`
    re.compile(r"credentials?[ \t]*\(" + _PAIR_REST),
    # a method `.login("user", "…")` (smtplib, ftplib, imaplib, a client's);
    # `.netrc`'s `machine host login user password …` (on one line, or with
    # `password` on the line after `login`)
    re.compile(r"login(?:[ \t]*\(" + _PAIR_REST + r"|[ \t]+[^\s]+(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?P<name>password)"
               + _FLAG_VALUE.replace("(?P<q>", "(?P<qn>").replace("(?P=q)", "(?P=qn)").replace("(?P<pw>", "(?P<pwn>") + ")"),
    # a method `.login(user, "…")` whose user is a variable (smtplib, ftplib,
    # imaplib: `server.login(sender, "…")`)
    re.compile(r"login[ \t]*\([ \t]*[a-z_][\w.]*[ \t]*,[ \t]*(?P<q2>[\"'])(?P<pw>[^\"'\n]{1,200})(?P=q2)[ \t]*\)"),
    # a command-line flag naming a credential and its value after a blank
    # (`--password …`, `--api-key "…"`; `--password=…` is an assignment), and
    # an option's default: `parser.add_argument("--api-key", default="…")`,
    # `@click.option("--password", default="…")` (on one line)
    re.compile(r"--(?P<name>" + _CREDENTIAL_FLAG + r")(?:" + _FLAG_VALUE
               + r"|(?P<q0>[\"'])[^\n]*?[ \t,(]default[ \t]*=[ \t]*(?P<qd>[\"'])(?P<pwd>[^\"'\n]{1,300})(?P=qd))"),
    # a Dockerfile's `ENV NAME value`
    re.compile(r"env [ \t]*(?P<name>[a-z_][a-z0-9_]*)" + _FLAG_VALUE),
    # `curl -u user:…`, `curl --user user:…`, and the proxy's (`-U`, `--proxy-user`),
    # on the command's line or a `\`-continued one
    re.compile(r"curl(?:[ \t](?:[^\n\\]|\\[^\n]|\\\n){0,300}?)?[ \t](?:-u|-U|--user|--proxy-user)[ \t]+(?P<q>[\"']?)[^\s:\"']+:(?P<pw>[^\s\"'$<{]{3,200})(?P=q)(?=[\s;&|)]|$)"),
    # `sshpass -p …`, `redis-cli … -a …`: the command's password flag
    re.compile(r"sshpass(?:[ \t]+-[^p\s]\S*)*[ \t]+-p[ \t]*(?P<q>[\"']?)(?P<pw>[^\s\"'`$%<{\-][^\s\"'`]{3,200})(?P=q)(?=[\s;&|)]|$)"),
    re.compile(r"redis-cli(?:[ \t][^\n]{0,200}?)?[ \t]-a[ \t]*(?P<q>[\"']?)(?P<pw>[^\s\"'`$%<{\-][^\s\"'`]{3,200})(?P=q)(?=[\s;&|)]|$)"),
    # `mysql -u root -p…`, `mysqldump … -p…`
    re.compile(r"mysql(?:dump|admin)?(?:[ \t][^\n]{0,200}?)?[ \t]-p(?P<q>[\"']?)(?P<pw>[^\s\"'`$<{\-][^\s\"'`]{3,200})(?P=q)(?=[\s;&|)]|$)"),
    # a user and a password passed as `-u user -p …` (PsExec, `docker login`,
    # `sqlcmd -U … -P …`, mongo's shell); the value holds a letter (`docker
    # run -u 1000 -p 8080:80` publishes a port)
    re.compile(r"-u[ \t]+(?P<q1>[\"']?)[^\s\"']+(?P=q1)[ \t]+-p[ \t]+(?P<q>[\"']?)(?=[^\s\"']*[a-z])"
               r"(?P<pw>[^\s\"'`$%<{\-][^\s\"'`]{2,200})(?P=q)(?=[\s;&|)]|$)"),
    # an ODBC / ADO.NET / JDBC connection string: a user, then the password
    # (`User ID=…;Password=…`, `Uid=…;Pwd=…`, `;user=…;password=…`; the two
    # may sit in concatenated literals: `"…User ID=u; " & "Password=…"`)
    # (searched from the `;`, rarer than the user key's letters; the user is
    # checked before it, :data:`_CONN_USER`)
    with_needles(re.compile(r";[ \t]*(?:[\"'][ \t]*[&+][ \t]*[\"'][ \t]*)?(?:password|pwd)[ \t]*=[ \t]*"
                            r"(?P<pw>[^;\s\"'{][^;\n\"']{0,199}?)[ \t]*(?=;|[\"']|$)", re.M), ("password", "pwd")),
    # a URL with a password and no user (`redis://:…@cache:6379/0`), a host after it
    # (`https://:pw@` with nothing after is no URL credential)
    re.compile(r"://:(?P<pw>[^\s/@:\"'`<>{}$]{3,200})@(?=[\w\[])"),
    # a URL with a user and a password holding the sub-delimiters RFC 3986
    # allows in userinfo (`!$&()*+,;=`) or a raw `#` (detect-secrets' basic-auth
    # pattern takes neither): `postgresql://etl:Qm7!x$2@db:5432/app`
    re.compile(r"://[^\s:/?#@\[\]\"'`<>{}]{1,100}:(?P<pw>[^\s:/?@\[\]\"'`<>{}]{0,199}[!$&()*+,;=#][^\s:/?@\[\]\"'`<>{}]{0,199})@(?=[\w\[])"),
    # a URL password holding a raw `@`, or several (`mongodb+srv://app:p@ss!w0rd@cluster…`,
    # `snowflake://u:SQL@lchemy_P@ss@acct…`): the last `@` before the host ends it
    # (detect-secrets' pattern stops at the first)
    re.compile(r"://[^\s:/?#@\[\]\"'`<>{}]{1,100}:(?P<pw>[^\s:/?@\[\]\"'`<>{}]{1,100}(?:@[^\s:/?@\[\]\"'`<>{}]{1,100}){1,4})"
               r"@(?=[a-z0-9][\w\-]*(?:\.[\w\-]+)+|localhost)"),
    # a URL whose user is an e-mail address (`https://ann@example.com:pw@git.host/…`,
    # git's credential store): detect-secrets' pattern and the ones above stop
    # at the user's `@`; the password ends at the last `@` before the host
    re.compile(r"://[^\s:/?#@\[\]\"'`<>{}]{1,64}@[a-z0-9][\w\-]*(?:\.[\w\-]+)+:(?P<pw>[^\s/?\[\]\"'`<>{}]{1,200})"
               r"@(?=[a-z0-9][\w\-]*(?:\.[\w\-]+)+|localhost)"),
    # SQL: `CREATE USER 'u'@'h' IDENTIFIED BY '…'`, `ALTER USER … IDENTIFIED WITH
    # mysql_native_password BY '…'` (a dump or a migration; `IDENTIFIED BY
    # PASSWORD '*…'` gives a hash and is not this form)
    re.compile(r"identified(?:[ \t]+with[ \t]+[\w']{1,64})?[ \t]+by[ \t]+(?P<q>['\"])(?P<pw>[^'\"\n]{1,200})(?P=q)"),
    # XML attributes with the value first: `<add value="…" key="DbPassword"/>`
    re.compile(r"value[ \t]*=[ \t]*(?P<q>[\"'])(?P<pw>[^\"'\n]{1,300})(?P=q)[^<>\n]{0,200}?(?<![\w-])(?:key|name)[ \t]*=[ \t]*"
               r"(?P<qn>[\"'])(?P<name>[^\"'\n]{1,100})(?P=qn)"),
    # an XML element named for the credential, its text the value:
    # `<password>…</password>`, `< db_password > … </db_password>`
    re.compile(r"<[ \t]*(?P<name>[a-z_][\w.:\-]{0,100})[ \t]*>[ \t]*(?P<pw>[^<\s](?:[^<\n]{0,298}[^<\s])?)[ \t]*</"),
    # an element whose `name=` attribute names the credential, its text the
    # value: `<x name="password">…</x>`
    re.compile(r"name[ \t]*=[ \t]*(?P<qn>[\"'])(?P<name>[^\"'\n]{1,100})(?P=qn)[^<>\n]{0,200}?>[ \t]*"
               r"(?P<pw>[^<\s](?:[^<\n]{0,298}[^<\s])?)[ \t]*</"),
    # Hadoop-style properties: `<name>fs.s3a.secret.key</name>` then `<value>…</value>`
    re.compile(r"<name>[ \t]*(?P<name>[^<>\n]{1,100}?)[ \t]*</name>\s{0,200}?<value>[ \t]*(?P<pw>[^<>\n]{1,300}?)[ \t]*</value>"),
    # an element named for the credential with attributes before its text:
    # `<password type="text">…</password>`, `<dbPassword id="new" >…</dbPassword>`
    # (the lookahead keeps every other element with attributes, HTML's
    # `<div class="…">`, from being read at all)
    re.compile(r"<[ \t]*(?P<name>(?=[\w.:\-]{0,100}?(?:pass|pwd|secret|token|key|cred|auth))[a-z_][\w.:\-]{0,100})"
               r"(?:[ \t]+[\w:.\-]+[ \t]*=[ \t]*(?:\"[^\"<>\n]{0,200}\"|'[^'<>\n]{0,200}'))+[ \t]*>"
               r"[ \t]*(?P<pw>[^<\s](?:[^<\n]{0,298}[^<\s])?)[ \t]*</"),
    # a Terraform input variable named for the credential and its default, a
    # few lines below in its block: `variable "db_password" {` … `default = "…"`
    # (the lines between hold no brace: `description`, `type`, `sensitive`)
    re.compile(r"variable[ \t]+\"(?P<name>[a-z_][\w\-]{0,100})\"[ \t]*\{(?:[^{}\n]*\n){0,8}?[ \t]*default[ \t]*=[ \t]*"
               r"\"(?P<pw>[^\"\n$]{1,300})\""),
    # Oracle's `user/password@` connect descriptor: a thin or OCI JDBC URL
    # (`jdbc:oracle:thin:app/…@//db:1521/svc`, `…@db:1521:SID`, `…@(DESCRIPTION=…)`)
    # and SQL*Plus's command line (`sqlplus app/…@//db:1521/svc`); no `://`, so no URL form reads it
    re.compile(r"(?:jdbc:oracle:(?:thin|oci8?|kprb):|sqlplus(?:[ \t]+-[a-z]+)*[ \t]+)(?P<user>[^\s/@:\"'`<>{}()\[\]$]{1,100})/"
               r"(?P<pw>[^\s/@\"'`<>{}\[\]$][^\s@\"'`<>{}\[\]]{0,199})@(?=//|\(|[a-z0-9\[])"),
)

#: the user of a connection string, right before the `;` of its password
_CONN_USER = re.compile(r"(?<![a-z0-9_])(?:user[ \t]?id|uid|user(?:name)?)[ \t]*=[ \t]*[^;=\n\"']{1,100}$")

#: prose that gives a password, quoted: ``the password is 'hunter22'``, ``the
#: default password for user 'admin' is "…"`` (a README, a comment, an ``echo``)
TRIGGER_PROSE = re.compile(
    r"password(?:[ \t]+for[ \t]+(?:the[ \t]+)?(?:user|account|login)[ \t]+(?P<q0>[\"'])[^\"'\n]{1,40}(?P=q0))?"
    r"[ \t]+(?:is|was|will[ \t]+be)[ \t]+(?P<q>[\"'])(?P<pw>[^\s\"']{3,64})(?P=q)"
)

#: prose that gives a password unquoted, in a text or a comment: ``the
#: password is Xk9#mQ2v``, ``password for admin: Xk9#mQ2v`` (the value must
#: hold a letter and a digit or symbol: ``the password is stored …`` gives none)
TRIGGER_PROSE_BARE = re.compile(
    r"password(?:[ \t]+(?:is|was)[ \t]+(?:set[ \t]+to[ \t]+)?"
    r"|[ \t]+for[ \t]+(?:the[ \t]+)?(?:(?:user|account|login)[ \t]+)?[\w.@\-]{1,40}(?:[ \t]*:[ \t]*|[ \t]+(?:is|was)[ \t]+))"
    r"(?P<pw>[^\s\"'`<>(){}\[\],;]{6,64}?)[.,;:!]?(?=[\s)\"'`]|$)"
)
_BARE_PROSE_VALUE = re.compile(r"(?=.*[^\W\d_])(?=.*[\d\W_])")

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
#: words that follow a flag in a sentence about it, not as its value
_FLAG_PROSE = frozenset(
    {"requires", "required", "require", "needs", "needed", "must", "should", "cannot", "can", "will", "is", "are", "was",
     "and", "or", "to", "for", "the", "with", "without", "when", "if", "not", "only", "also", "takes", "expects",
     "accepts", "instead", "overrides", "implies", "conflicts", "ignored", "given", "specified", "provided", "missing",
     "option", "options", "flag", "flags", "argument", "parameter", "value", "set", "unset", "has", "have", "does"}
)
_OPTION_CALL = re.compile(r"[._](?:add_argument|option)[ \t]*\([ \t]*[\"']$")


def _value_group(match: "re.Match[str]") -> str:
    """The name of the group that holds the value in a match of
    :data:`TRIGGER_EXTRA` or :data:`TRIGGER_PROSE`."""
    return next(g for g in ("pw", "pwn", "pwd") if g in match.re.groupindex and match.group(g) is not None)


def _extra_matches(low: str, python: bool = False) -> Iterator[Tuple["re.Match[str]", str]]:
    """(match, kind) of :data:`TRIGGER_EXTRA` and :data:`TRIGGER_PROSE` whose
    context fits: kind is ``"password"`` (the value is a password) or
    ``"name"`` (group ``name`` is judged like an assignment's key).
    ``python``: the text is Python code, where no line is a Dockerfile's."""
    from mlwarden.core.regexlit import cannot_match

    (auth, credential, login, login_var, flag, env, curl, sshpass, redis, mysql, userpass, conn, url, userinfo, at_sign,
     email_user, sql_user, value_first, element, named, hadoop, element_attrs, tf_variable, oracle) = TRIGGER_EXTRA
    for pattern in TRIGGER_EXTRA:
        if (python and pattern is env) or cannot_match(pattern, low):
            continue  # (a pattern whose leading word is not in the text is not even compiled)
        for match in pattern.finditer(low):
            start = match.start()
            before = low[max(0, start - 40):start]
            word_before = bool(before) and before[-1] in _WORD_CHARS
            kind = "password"
            if pattern is auth:
                if match.group("ent"):
                    ok = match.group("op") == "(" and before.endswith("password")
                elif match.group("op") == "(":
                    ok = before.endswith(("basic", "digest", "proxy"))  # `HTTPBasicAuth(`, not `get_auth(`
                else:
                    ok = not before or before[-1] not in _WORD_CHARS or before[-1] == "_"  # `basic_auth=`, not `oauth=`
            elif pattern is credential:
                ok = before.endswith(("network", "usernamepassword", "password"))
            elif pattern is login:
                if match.group("name"):
                    # `.netrc`'s `login <user> password <pw>`; in prose the
                    # "user" is a conjunction (`login and password exists`)
                    ok, kind = not word_before and match.group(0).split()[1] not in _CONJUNCTIONS, "name"
                else:
                    ok = before.endswith(".")
            elif pattern is login_var:  # a method: `server.login(`, not a `login()` helper
                ok = before.endswith(".")
            elif pattern is flag:
                ok, kind = not word_before and not before.endswith("-"), "name"
                if match.group("pw") is not None and match.group("pw") in _FLAG_PROSE:
                    ok = False  # `"--registry-password requires --registry-username"`: a message about the flag
                if match.group("pwd") is not None:  # an option's default
                    ok = ok and _OPTION_CALL.search(before) is not None
            elif pattern is env or pattern is tf_variable:  # `ENV`, the `variable` block: it starts its line
                ok, kind = not low[low.rfind("\n", 0, start) + 1:start].strip(), "name"
            elif pattern is url or pattern is userinfo or pattern is at_sign or pattern is email_user:  # its scheme stands before
                # (`http://proxyuser:proxypass@…`: a user and a password naming their role, a placeholder)
                ok = not url_role_login(low, match.start("pw"), match.group("pw"))
            elif pattern is sql_user:  # the SQL keyword, not `unidentified`
                ok = not word_before
            elif pattern is value_first or pattern is named:  # an attribute: `<x value=`, not `max_value=`
                ok, kind = bool(before) and before[-1] in " \t", "name"
            elif pattern is element or pattern is hadoop or pattern is element_attrs:
                ok, kind = True, "name"
            elif pattern is userpass:  # a flag: ` -u`, not `--no-u` or `x-u`
                command = low[low.rfind("\n", 0, start) + 1:start]
                # mysql's `-p` takes its value attached: `-p db` prompts and names a database
                ok = not word_before and not before.endswith("-") and "mysql" not in command and "mariadb" not in command
            elif pattern is conn:
                ok = _CONN_USER.search(low, max(0, start - 130), start) is not None
            elif pattern is oracle:  # `sqlplus` is a command, not `mysqlplus`; a JDBC URL stands anywhere
                ok = low.startswith("jdbc", start) or not word_before
            else:  # curl, sshpass, redis-cli, mysql
                ok = not word_before
            if ok:
                yield match, kind
    for match in () if cannot_match(TRIGGER_PROSE, low) else TRIGGER_PROSE.finditer(low):
        if match.start() == 0 or low[match.start() - 1] not in "abcdefghijklmnopqrstuvwxyz0123456789_.$@-":
            yield match, "prose"
    for match in () if cannot_match(TRIGGER_PROSE_BARE, low) else TRIGGER_PROSE_BARE.finditer(low):
        start = match.start()
        if start and low[start - 1] in "abcdefghijklmnopqrstuvwxyz0123456789_.$@-":
            continue
        # in Python code only a comment is prose (`password is None` compares)
        if python and "#" not in low[low.rfind("\n", 0, start) + 1:start]:
            continue
        yield match, "bare"


#: words that join two nouns in a sentence (never a user name after `login`)
_CONJUNCTIONS = frozenset({"and", "or", "nor", "&", "/", "+", "with", "plus", "then", "but", "is", "are", "was", "or/and", "and/or"})
#: what a sentence says a password "is" when it gives none
_PROSE_STATES = frozenset(
    {"exists", "exist", "present", "available", "provided", "supplied", "given", "defined", "configured", "found", "required", "optional", "invalid", "incorrect", "wrong", "correct", "valid", "empty", "missing", "blank",
     "expired", "unset", "set", "hidden", "masked", "redacted", "changed", "unchanged", "reset", "encrypted",
     "hashed", "ignored", "disabled", "enabled", "weak", "strong", "stored", "saved", "sent", "needed", "unknown"}
)

_KEY_CHARS = re.compile(r"[\w.$@\-]")
#: a type annotation between a name and ``=`` (``password: str = "…"``,
#: ``val token: String = "…"``, ``api_key: Optional[SecretStr] = "…"``): a
#: capitalised or dotted type, or a lower-case type name of Python or
#: TypeScript. Any other word there is not a type: in ``please
#: pass: flavor="igraph"`` (prose in a message) the name given a value is
#: ``flavor``, and ``pass`` is a verb.
_ANNOTATION = (
    r"(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*|(?:str|string|bytes|bytearray|any|unknown|object|int|float|bool|number|char|dict|list"
    r"|tuple|set|optional|union)(?![\w]))[\w.\[\]]*"
)
_ASSIGN = re.compile(
    r"(?P<key>[\"'`]?-{0,2}(?:[A-Za-z_$@]|[^\W\d])[\w.$@\-]*[\"'`]?)"
    r"(?:[ \t]*:[ \t]*" + _ANNOTATION + r"(?=[ \t]*=[ \t]*[\"'`]|[ \t]+=)|[ \t]+(?:string|str|String|const|final|bytes)(?=[ \t]*:?=))?"
    r"[ \t]*(?:(?:\]|\[\]|\]\[\])[ \t]*)?(?P<op>" + _OP[3:-1] + r")[ \t]*(?:@|[rRbBuUfF]{1,2}(?=[\"']))?"
    r"(?:(?P<q>[\"'`])(?P<qv>(?:\\.|(?!(?P=q)).){1,600}?)(?P=q)|(?P<uv>(?:(?:Bearer|Token|Basic|bearer|token|basic)[ \t]+|base64:)?[^\s\"'`,;:\\<>(){}\[\]]{1,600}))"
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "pw", "psw", "passwort", "contrasena", "contraseña", "senha"})
TOKEN_WORDS = frozenset(
    {
        "token", "secret", "apikey", "credential", "credentials", "creds", "cred", "auth", "authorization", "bearer",
        "accesstoken", "authtoken", "apitoken", "secretkey", "clientsecret", "privatekey", "accesskey", "apisecret",
    }
)
#: words that make ``key`` a credential: ``api_key``, ``access_key``, ``private-key`` …
KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "private", "priv", "secret", "client", "auth", "service", "account", "master", "signing",
        "encryption", "app", "consumer", "subscription", "license", "session", "shared", "admin", "root", "x", "db",
        "database", "bot", "webhook", "hmac", "jwt", "openai", "anthropic", "hf", "groq", "cohere", "wandb", "mistral",
        # Vault's unseal and recovery keys (shares of the master key)
        "unseal", "recovery",
    }
)
#: after the credential word, a word that says the value is about the
#: credential, not the credential (``secret_name``, ``token_url``, ``key_id``,
#: ``password_hash``)
AFTER_EXCLUDED = frozenset(
    {
        "id", "ids", "name", "names", "url", "uri", "urls", "endpoint", "path", "paths", "file", "files", "filename",
        "dir", "folder", "length", "len", "size", "type", "types", "count", "version", "prefix", "suffix", "format",
        "field", "fields", "label", "env", "var", "variable", "placeholder", "example", "description", "desc", "help",
        "hint", "prompt", "message", "msg", "text", "title", "location", "region", "host", "port", "hash", "checksum",
        "digest", "fingerprint", "expiry", "expires", "expiration", "ttl", "timeout", "limit", "index", "idx",
        "position", "pos", "offset", "regex", "pattern", "policy", "provider", "mode", "method", "scheme", "usage",
        "param", "params", "arg", "args", "column", "col", "flag", "enabled", "required", "valid", "validator",
        "store", "manager", "handler", "callback", "factory", "class", "cls", "fn", "func", "function", "module",
        "obj", "object", "chars", "map", "mapping", "dict", "list", "set", "ref", "reference", "source", "generator",
        "getter", "setter", "encoding", "algorithm", "alg", "cipher", "event", "down", "up", "press", "pressed",
        "board", "alias", "ring", "tab", "pair", "selector", "frame", "manager", "strategy", "exists", "present",
        "required", "field", "widget", "input", "tag", "states", "values", "proj", "projection",
        # whose it is or what it belongs to, not what it is: `APIKEY_USERS`
        # (user names), Databricks' `secret_scope`, `token-classification` (a task)
        "user", "users", "username", "usernames", "owner", "owners", "role", "roles", "scope", "scopes",
        "classification", "classifier",
        # when something happened to it: Firefox's `timePasswordChanged`,
        # `password_updated_at`, `token_created` (a time stamp, not the credential)
        "changed", "created", "updated", "modified", "timestamp", "time", "date", "at",
    }
)
#: anywhere in the name, a word that makes it another kind of key or token:
#: ``public_key``, ``csrf_token``, ``primary_key``, tokenizer special tokens
MODIFIER_EXCLUDED = frozenset(
    {
        "public", "pub", "csrf", "xsrf", "primary", "foreign", "sort", "cache", "schema", "sequence", "bucket",
        "partition", "row", "hash", "dict", "map", "lookup", "cursor", "page", "pagination", "next", "prev",
        "previous", "last", "first", "max", "min", "num", "total", "placeholder", "example", "dummy", "fake", "mock",
        "pad", "eos", "bos", "unk", "sep", "mask", "special", "added", "start", "end", "stop", "vocab", "image",
        "audio", "video", "vision", "think", "tool", "chat", "template", "boi", "eoi", "fim", "middle", "begin",
        "newline", "im", "sp", "decoder", "encoder", "embedding", "embeddings", "logits", "dim", "dims", "budget",
        "rate", "price", "cost", "per", "pool", "layer", "layers", "head", "heads", "input", "output", "generated",
        "predicted", "target", "prompt", "completion", "reasoning", "cached", "sample", "eval", "train",
    }
)


#: one-word spellings of credential names (``dbpassword``, ``theapikey``,
#: ``ADMINPASSWORD``): a word that ends with one is that credential word
_COMPOUND_ENDINGS = ("password", "passwd", "apikey", "apitoken", "authtoken", "accesstoken", "secretkey", "clientsecret", "privatekey",
                     "apisecret", "secret", "pwd")
#: ``pass`` glued to whose password it is (``userpass``, ``dbpass``,
#: ``MYSQLPASS``); not any word ending in ``pass`` (``bypass``, ``compass``)
_OWNED_PASS = re.compile(r"(?:user|db|admin|root|mysql|pg|postgres|sql|smtp|mail|ftp|sftp|ssh|redis|ldap|proxy|vpn|wifi|login|sys|app|api)pass")
#: platforms whose personal access tokens a name can call ``pat``
PAT_PLATFORMS = frozenset(
    {"github", "git", "hub", "gh", "gitlab", "gl", "ado", "azure", "devops", "bitbucket", "personal", "hf", "huggingface",
     "docker", "dockerhub", "npm", "pypi", "jira", "confluence", "atlassian"}
)


#: what may follow ``pass`` in a password's name (``DB_PASS_PROD``,
#: ``smtp_pass2``); any other word makes ``pass`` the start of a phrase
#: (``pass_through_filter``, ``pass_fail``, ``passThrough``, ``pass_rate``)
_PASS_SUFFIXES = frozenset(
    {"prod", "production", "dev", "development", "staging", "stage", "local", "qa", "uat", "live", "sandbox", "b64",
     "base64", "raw", "plain", "plaintext", "str", "value", "val", "default", "old", "new", "current", "word", "phrase"}
)
#: what a bare ``key`` identifies when one of these words owns it: a record,
#: not a credential (``experimentKey``, ``orderByKey``, ``cache_key``,
#: ``idempotency_key``, ``routing_key``; ``api_key`` and ``ACME_KEY`` are not bare)
ID_KEY_OWNERS = frozenset(
    {"experiment", "run", "asset", "artifact", "object", "record", "item", "order", "by", "idempotency", "dedup",
     "dedupe", "routing", "shard", "group", "message", "dataset", "job", "trace", "span", "request", "entity", "node",
     "column", "metric", "lookup", "redis", "blob", "task", "step", "state", "sort", "cache", "row", "field", "metadata",
     "meta", "attr", "attribute", "property", "prop", "result", "context", "ctx", "query", "filter"}
)


def split_words(name: str) -> List[str]:
    words = []
    for word in _WORDS.findall(name):
        low = word.lower()
        ending = next((e for e in _COMPOUND_ENDINGS if low.endswith(e) and len(low) > len(e)), None)
        if ending is not None and low not in TOKEN_WORDS and low != "oldpwd":  # the shell's previous directory
            low = "password" if ending in ("password", "passwd") else ending
        elif _OWNED_PASS.fullmatch(low):
            low = "password"
        words.append(low)
    return words


def key_strength(name: str) -> Optional[str]:
    """``"password"``, ``"token"``, ``"weak"`` (a bare ``key``) or ``None``
    (not a credential name) for an assignment's key."""
    raw = name.strip("\"'`$@[]").lstrip("-")
    words = split_words(raw)
    if not raw.isascii() and any(w in raw.lower() for w in FOREIGN_PASSWORD_WORDS):
        words.append("password")  # `비밀번호`, `пароль`, `db_密码`
    if "pat" in words and any(w in PAT_PLATFORMS for w in words):
        words = ["token" if w == "pat" else w for w in words]
    # `pass` followed by a word that is no suffix of a password's name starts
    # another phrase (`pass_through`, `pass_fail`); digits may follow (`pass2`)
    words = [w + "_" if w == "pass" and any(not (x.isdigit() or x in _PASS_SUFFIXES) for x in words[i + 1:]) else w
             for i, w in enumerate(words)]
    if words and words[-1] == "api" and not any(w in PASSWORD_WORDS or w in TOKEN_WORDS or w == "key" for w in words):
        words[-1] = "token"  # `billing_api`, `serviceApi`: the service's key (the value must look random)
    if words[-2:] == ["secret", "id"]:
        # `GITHUB_SECRET_ID`, Vault AppRole's `secret_id`: the secret itself,
        # named for what it unlocks (`client_id`, `key_id` stay identifiers;
        # a UUID under it is judged as an identifier, Azure's "secret ID")
        words = words[:-1]
    if len(words) >= 2 and words[-1] == "login" and words[-2].endswith("sonar"):
        return "token"  # SonarQube's legacy `sonar.login` parameter: an analysis token
    credential = [i for i, w in enumerate(words) if w in PASSWORD_WORDS or w in TOKEN_WORDS or w == "key"]
    if not credential or any(w in MODIFIER_EXCLUDED for w in words):
        return None
    if any(w in AFTER_EXCLUDED for w in words[credential[-1] + 1:]):
        return None
    if any(w in PASSWORD_WORDS for w in words):
        return "password"
    if any(w in TOKEN_WORDS for w in words):
        return "token"
    if "key" in words:
        i = words.index("key")
        if any(w in KEY_QUALIFIERS for w in words[:i]):
            return "token"
        if any(w in ID_KEY_OWNERS for w in words[:i]):
            return None  # `experimentKey`, `cache_key`: a record's key
        # env-style `ACME_KEY`, `WEATHER_API_KEY`: a credential by convention
        if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_KEY", raw):
            return "token"
        return "weak"
    return None


def _key_start(text: str, pos: int) -> int:
    start = pos
    while start > 0 and _KEY_CHARS.match(text, start - 1) and pos - start < 120:
        start -= 1
    if start > 0 and text[start - 1] in "\"'`":
        start -= 1
    return start


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
#: a URL's scheme and user part right before a position (``…://user:``)
_URL_USERINFO = re.compile(r"://[^\s/@]*:$")


def assignment_at(line: str, pos: int, python: bool = False) -> Optional[Tuple[str, int, str]]:
    """The (key, 0-based column of the value, value) of an assignment whose
    key contains position ``pos`` of ``line``. ``python``: the line is
    Python code, where an unquoted name is a name (``token_mixer =
    InceptionDWConv2d`` is a class) and backticks quote code in docstrings;
    after a ``#`` the line is prose again."""
    start = _key_start(line, pos)
    if start > 0 and line[start - 1] in "/\\":
        return None  # `/etc/passwd`, `C:\\keys\\token`: a path's last part, not a name
    match = _ASSIGN.match(line, start)
    if not match:
        return None
    if "@" in match.group("key") and _URL_USERINFO.search(line, 0, start):
        # `mongodb://user:password@localhost:27017/db`: the "name" is a URL's
        # password and host, the "value" its port and path (the URL's own
        # judge reads the password)
        return None
    xml = _xml_value(line, start, match)
    if xml is not None:
        return xml or None
    # a URL's query parameter (`?api_key=…`, `&password=…`) is text inside a
    # string: after `://`, or after a path whose host is a placeholder
    # (`f"{base_url}/download?accessKey=&fileType=…"`)
    query = line[:start].endswith(("?", "&")) and match.group("op") == "=" and (
        "://" in line[:start] or _QUERY_AFTER_PATH.search(line, max(0, start - 300), start) is not None)
    if python and not query and "#" not in line[:start] and not line.lstrip().startswith(("!", "%")):
        # Python code (a comment is prose, a notebook's `!cmd` / `%env` line is shell)
        quote = match.group("q")
        key = match.group("key")
        # `["DB_PASSWORD=…"]`, `"--env", "API_TOKEN=…"`: the name opens a string
        # literal that the value closes; the value is text, not a Python name
        in_string = quote is None and key[:1] in "\"'" and line[match.end("uv"):match.end("uv") + 1] == key[:1] and key[-1:] != key[:1]
        # `cohere secret key = Qf…` is no Python: a name after another word and
        # a blank (not a keyword: `lambda key=default: …`) is text in a string
        # or a docstring, where an unquoted value is the value
        spaced = _WORD_BEFORE.search(line, 0, start)
        in_text = spaced is not None and not iskeyword(spaced.group(1)) and line[start:start + 1] not in "\"'`"
        # a bare name, or one under a unary operator (`ph, pw = -height % g, …`: pad widths)
        if quote == "`" or (quote is None and not in_string and not in_text and _IDENTIFIER.fullmatch((match.group("uv") or "").lstrip("-+~"))):
            if quote is None and match.group("uv"):
                return _fallback(line, start, match)
            return None
    op = match.group("op")
    key = match.group("key")
    if key[:1] in "\"'`" and key[-1:] != key[:1] and match.group("q") == key[:1]:
        # `…,passwordLabel:"Password:",next:"…"`: the quote before the name
        # closes a string the name ends; the "value" is the text between two strings
        return None
    bare = key.lstrip("\"'`")
    if bare.startswith("-") and op != "=" and not (op == ":" and not bare.startswith("--") and not line[:start].strip()):
        # `--db-password=…` is a flag's value; `["--api-key", "…"]` is an argv
        # list; a document's `-Token: …` item (one dash, its line's start) names its value
        return None
    if op == ">" and not line[:start].rstrip().endswith("<"):
        return None
    if op.startswith("value"):
        # `key="DbPassword" value="…"`: the name must be a quoted attribute value
        # of `key=` or `name=` (the element's other attribute holds the secret)
        if not (key[:1] in "\"'" and key[-1:] == key[:1] and re.search(r"\b(?:key|name)[ \t]*=[ \t]*$", line[:start], re.I)):
            return None
    elif not op and (python and "#" not in line[:start] and not line.lstrip().startswith(("!", "%")) or not re.match(r"[ \t]*(?:(?:set|export|define|const|my|our|local)[ \t]+)?$", line[:start], re.I)):
        # `api_key "…";`: a directive starts its line (after `set`, `my` …);
        # in Python code a name next to a string is never one
        return None
    if op in ("(", ",") and match.group("q") is None:
        return None  # `f(token, x)`: an expression, not a literal
    if op == "," and line[:start].rstrip().endswith((":", "=")):
        return None  # `{"code": "pass", "name": …}`: the "name" is itself a value
    if op == "," and match.group("q") is not None and _NAME_ITEM.fullmatch(match.group("qv")) and _STRING_ITEM_BEFORE.search(line, 0, start):
        # `{"ssl", "password", "username"}`, `required: ["password", "registry_url"]`,
        # stanza's `['username', 'password', 'blockList']`: a collection of key
        # names, each string an item, not a name and its value
        return None
    if op == "," and match.group("q") is not None and "_" in match.group("qv") and _NAME_VALUE.fullmatch(match.group("qv")) \
            and _STRING_ITEM_AFTER.match(line, match.end("qv") + 1):
        # `["password", "github_key", "aws_key"]`: the credential word opens a
        # list of key names (a secret store's entries); a snake_case name
        # with another string item after it is an item, not the password
        return None
    if op == "," and python and key[:1] not in "\"'`":
        return None  # `getattr(pw, "weight")`: in Python a name before a comma is an argument, never a key
    if op == "," and match.group("q") is not None and key[:1] in "\"'" and _NAME_VALUE.fullmatch(match.group("qv")):
        words = split_words(key.strip("\"'"))
        if words and words[-1].lower() in _SHORT_PASS_WORDS:
            # `Literal["pass", "revise", "fail"]`, `("pass", "user_cancel")`,
            # `["conv_pw", "conv_pwl"]`: a verdict word or a layer name among
            # other names (a password word that says itself, `password`, still pairs)
            return None
    callee = split_words(match.group("key").rsplit(".", 1)[-1]) if op == "(" else []
    if op == "(" and not any(w in PASSWORD_WORDS or w in TOKEN_WORDS or w == "key" for w in callee):
        # `AutoModelForTokenClassification.from_pretrained("org/model")`: the
        # credential word names a class, not what the call takes
        return None
    if op == "(" and len(callee) == 2 and callee[0].lower() in _PASS_VERBS and callee[1].lower() == "pass" \
            and match.group("q") is not None and _NAME_VALUE.fullmatch(match.group("qv")) and "pass" in match.group("qv").split("_"):
        # Paddle's `config.delete_pass("embedding_eltwise_layernorm_fuse_pass")`,
        # `pm.register_pass("fuse_attention_pass")`: a compiler pass and its name
        return None
    if match.group("q") is not None:
        value, col = match.group("qv"), match.start("qv")
        if python and op == ":" and key[:1] not in "\"'`" and _ASSIGNED_AFTER.match(line, match.end()) and not line[:start].strip():
            # `_SESSION_KEY: "pytest.StashKey[pytest.Session]" = …`: a string
            # annotation (a forward reference) of an annotated assignment; the
            # value comes after `=`, when it is a literal
            literal = _ASSIGNED_LITERAL.match(line, match.end())
            if literal is None:
                return None
            value, col = literal.group("v"), literal.start("v")
        if op == "(":
            # `set_password("service", "user", "…")`, `update_user_password("user", "…")`:
            # the credential is the call's last string argument, the others say whose it is
            end = match.end()
            for more in iter(lambda: _NEXT_STRING_ARG.match(line, end), None):
                value, col, end = more.group("v"), more.start("v"), more.end()
            if end != match.end() and not re.match(r"[ \t]*\)", line[end:]):
                return None  # more arguments than string literals: not a literal call
        if len(value) > 4 and value[:2] in ('\\"', "\\'") and value[-2:] == value[:2]:
            value, col = value[2:-2], col + 2  # `"\"…\""`: a string literal inside a string (Gradle's buildConfigField)
    else:
        value, col = match.group("uv"), match.start("uv")
        after = line[match.end("uv"):match.end("uv") + 1]
        if _COMMENT_LINE.match(line, 0, start) and value.isalpha() and value.islower() and _PROSE_AFTER.match(line, match.end("uv")):
            return None  # `# password: keep empty`: a comment's words about the value
        if python and _KEYWORD_ARGUMENT.fullmatch(value) and after in ("\"", "'"):
            # `please pass: flavor="igraph"` in a message: the "value" names a
            # keyword argument whose own value follows (a password is not a
            # lower-case word ending in `=` before a quote)
            return None
        if python and op == ":" and _PROSE_AFTER.match(line, match.end("uv")):
            # a docstring's `passphrase: Admin-provided passphrase`: a parameter
            # and its description (in code a literal value is quoted)
            return None
        # `password = getpass()`, `token = config.token`, `secret = SECRET`:
        # an expression, not a literal
        if after in ("(", "[", ".") or re.fullmatch(r"[A-Za-z_][A-Za-z_.]*", value) and not (
                not python and ("secret" in split_words(match.group("key").strip("\"'`")) and passphrase_value(value)
                                or random_case_run(value))):
            # (in configuration text, `SECRET_KEY=iloveredlobsters…` is a typed
            # passphrase, not a name: 20+ lower-case letters under a secret's name;
            # `APIKEY=YXNkZmZmZmZm_…`, letters of random case, is a generated value)
            return _fallback(line, start, match)
    if query:
        value = re.split(r"[&#]", value, 1)[0]  # the query's next parameter is not part of the value
    return _qualified(line, start, match.group("key")), col, value


#: a literal after an expression that reads a setting, as its fallback:
#: `process.env.X || '…'`, `config.secret ?? "…"`, `os.environ.get("X") or "…"`
#: (the expression: names, dots, calls with string or name arguments, subscripts)
_FALLBACK = re.compile(
    r"[\w.$]{1,100}(?:\([ \t]*(?:[\"'][\w.\-]{0,100}[\"']|[\w.]{0,100})[ \t]*\)|\[[ \t]*[\"'][\w.\-]{1,100}[\"'][ \t]*\])?"
    r"[ \t]*(?:\|\||\?\?|\bor\b)[ \t]*(?P<q>[\"'`])(?P<v>[^\"'`\n]{1,300})(?P=q)[ \t]*(?=[,;)}\]]|$|[ \t]*(?:#|//))"
)


def _fallback(line: str, start: int, match: "re.Match[str]") -> Optional[Tuple[str, int, str]]:
    """The literal fallback of a setting read as an expression (``secret =
    process.env.SECRET || '…'``): the literal is the value whenever the
    setting is unset, a credential in the repository like any other."""
    literal = _FALLBACK.match(line, match.start("uv"))
    if literal is None:
        return None
    return _qualified(line, start, match.group("key")), literal.start("v"), literal.group("v")


_UUID_VALUE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


#: an assignment's `=` after a string (not `==`)
_ASSIGNED_AFTER = re.compile(r"[ \t]*=(?!=)")
#: a string literal assigned after an annotation (group ``v``)
_ASSIGNED_LITERAL = re.compile(r"[ \t]*=[ \t]*[rRbBuUfF]{0,2}(?P<q>[\"'])(?P<v>(?:\\.|(?!(?P=q)).){1,600}?)(?P=q)")
#: a call's next argument when it is a string literal (group ``v``)
_NEXT_STRING_ARG = re.compile(r"[ \t]*,[ \t]*[rRbBuUfF]{0,2}(?P<q>[\"'])(?P<v>(?:\\.|(?!(?P=q)).){0,600}?)(?P=q)")
#: `flavor=` before a quote: a keyword argument's name, written in a message
_KEYWORD_ARGUMENT = re.compile(r"[a-z][a-z_]*=")
#: `…}/download?` / `/v1/items&`: a URL path (no blank or quote in it) right before the parameter
_QUERY_AFTER_PATH = re.compile(r"[\w}]/[^\s\"'`]*[?&]$")
#: the word right before a name and one blank (`API Key`, `SECRET KEY`, `Access Token`)
_WORD_BEFORE = re.compile(r"(?<![\w.\-])([A-Za-z]+)[ \t]$")
#: words that qualify a bare credential word written after them and a blank
_SPACED_QUALIFIERS = KEY_QUALIFIERS | TOKEN_WORDS | PASSWORD_WORDS | MODIFIER_EXCLUDED | ID_KEY_OWNERS | {"api"}


def _qualified(line: str, start: int, key: str) -> str:
    """``key`` with the qualifier written before it and a blank when the key
    is one bare credential word: ``"API Key": …`` -> ``API_Key``, ``SECRET
    KEY: …`` -> ``SECRET_KEY``, ``public key: …`` -> ``public_key`` (the
    whole name decides, as for ``api_key``)."""
    bare = key.strip("\"'`")
    if bare.lower() not in ("key", "token", "secret"):
        return key
    word = _WORD_BEFORE.search(line, 0, start)
    if word is None or word.group(1).lower() not in _SPACED_QUALIFIERS:
        return key
    return f"{word.group(1)}_{bare}"


#: a string item that is a key name (`"registry_url"`, `"socket_timeout"`)
_NAME_VALUE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
#: an item of a collection of key names: snake_case or lowerCamelCase words
_NAME_ITEM = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+")
#: verbs of a pass manager's calls (`add_pass`, `delete_pass`, `register_pass`)
_PASS_VERBS = frozenset({"add", "append", "insert", "delete", "remove", "register", "enable", "disable", "apply", "run", "skip", "exclude", "include"})
#: a string item and its comma right before a position (the collection goes on)
_STRING_ITEM_BEFORE = re.compile(r"[\"'][ \t]*,[ \t]*$")
#: another string item right after a value (`, "aws_key"`)
_STRING_ITEM_AFTER = re.compile(r"[ \t]*,[ \t]*[\"']")
#: password words that are also ordinary words or name parts (`pass`/`fail`, `conv_pw`)
_SHORT_PASS_WORDS = frozenset({"pass", "pw", "pwd", "psw"})
#: a comment up to the name (`#`, `//`, `;` first on the line)
_COMMENT_LINE = re.compile(r"[ \t]*(?:#|//|;)[^\n]*$")
#: more words after an unquoted value (a description, not a value)
_PROSE_AFTER = re.compile(r"[ \t]+[A-Za-z][a-z]+(?:[ \t.,;]|$)")


_XML_NAME_ATTR = re.compile(r"\b(?:key|name)[ \t]*=[ \t]*$", re.I)


def _xml_value(line: str, start: int, match: "re.Match[str]"):
    """XML's forms of ``name = value``: ``<password>…</password>``,
    ``<x name="password">…</x>`` (the element's text), ``<password
    value="…"/>`` (the element names the credential, ``value=`` holds it).
    Returns (key, column, value), ``()`` when the match is XML without a
    value, or ``None`` when it is not one of these forms."""
    op = match.group("op")
    key = match.group("key")
    before = line[:start].rstrip()
    element = before.endswith("<") and key[:1] not in "\"'`"
    named = key[:1] in "\"'" and key[-1:] == key[:1] and _XML_NAME_ATTR.search(line[:start]) is not None
    if op == ">" and (element or named):
        text_start = match.end("op")
        end = line.find("<", text_start)
        if end < 0 or not line.startswith("</", end):
            return ()  # `<password>` alone: the value is on the next line (TRIGGER_BLOCK) or markup follows
        value = line[text_start:end].strip()
        if not value:
            return ()
        return key, line.index(value, text_start), value
    if op.startswith("value") and element and match.group("q") is not None:
        return key, match.start("qv"), match.group("qv")
    return None


def judge(key: str, value: str) -> Optional[Tuple[str, int]]:
    """The credential (and its offset in ``value``) when ``key = value`` is
    reported, else ``None``."""
    strength = key_strength(key)
    if strength is None:
        return None
    words = split_words(key)
    credential = value
    if "authorization" in words or "bearer" in words or "auth" in words:
        credential = auth_scheme_value(value)
    elif credential != auth_scheme_value(credential):
        credential = auth_scheme_value(credential)
    if credential[:7].lower() == "base64:" and len(credential) > 7:
        credential = credential[7:]  # Laravel's `APP_KEY=base64:…`: the label names the key's encoding
    reason = generic_reason(credential, strength)
    if reason is None and words[-2:] == ["secret", "id"] and _UUID_VALUE.fullmatch(credential):
        return None  # Azure's "Secret ID" of a client secret (a UUID): the secret's id, not the secret
    if reason is not None and not (reason == "letters only" and "secret" in words and passphrase_value(credential)):
        return None
    return credential, value.find(credential)


def scan_lines(lines: Sequence[str], lowered: Optional[str] = None, starts: Optional[List[int]] = None, python: bool = False) -> Iterator[Tuple[int, int, str]]:
    """(0-based line, 0-based column, value) of every generic keyword secret
    in ``lines``. ``lowered`` is ``"\\n".join(lines).lower()`` and ``starts``
    the line offsets in it, when the caller has them; ``python``: the lines
    are Python code (see :func:`assignment_at`).

    Code or JSON escaped inside a string literal (``"{\\"password\\":
    \\"…\\"}"``, ``"$password = \\"…\\";"``) is read a second time with its
    escaped quotes unescaped, as text (it is not the file's own code)."""
    seen = set()
    for found in _scan_lines(lines, lowered, starts, python):
        seen.add((found[0], found[2]))
        yield found
    low = lowered if lowered is not None else "\n".join(lines)
    if "\\\"" not in low and "\\'" not in low:
        return  # (C-speed test; most files hold no escaped quote)
    offsets = _line_starts(lines)
    escaped = sorted({_line_of(offsets, m.start()) for m in _ESCAPED_QUOTE.finditer("\n".join(lines))})
    for index in escaped:
        line = lines[index]
        text, columns = _unescape_quotes(line)
        for _, col, value in _scan_lines([text]):
            if (index, value) not in seen:
                seen.add((index, value))
                yield index, columns[col], value


_ESCAPED_QUOTE = re.compile(r"\\{1,3}([\"'])")


def _unescape_quotes(line: str) -> Tuple[str, List[int]]:
    """``line`` with each backslash-escaped quote (once or twice escaped)
    replaced by the quote and each unescaped quote (the outer literal's
    delimiters) by a blank, and the column in ``line`` of each column of the
    result."""
    out: List[str] = []
    columns: List[int] = []
    last = 0

    def outer(part: str, start: int) -> None:
        out.append(part.replace('"', " ").replace("'", " "))
        columns.extend(range(start, start + len(part)))

    for match in _ESCAPED_QUOTE.finditer(line):
        outer(line[last:match.start()], last)
        out.append(match.group(1))
        columns.append(match.start(1))
        last = match.end()
    outer(line[last:], last)
    columns.append(len(line))
    return "".join(out), columns


def _scan_lines(lines: Sequence[str], lowered: Optional[str] = None, starts: Optional[List[int]] = None, python: bool = False) -> Iterator[Tuple[int, int, str]]:
    low = lowered if lowered is not None else "\n".join(lines).lower()
    if len(low) != sum(map(len, lines)) + len(lines) - 1:
        low = "\n".join(line.lower() if len(line.lower()) == len(line) else "?" * len(line) for line in lines)
        starts = None
    seen = set()
    for match, kind in _extra_matches(low, python):
        if starts is None:
            starts = _line_starts(lines)
        group = _value_group(match)
        index = _line_of(starts, match.start(group))
        col = match.start(group) - starts[index]
        password = lines[index][col:col + len(match.group(group))]
        strength: Optional[str] = "password"
        if kind in ("prose", "bare") and password.lower().strip(".,;:!") in _PROSE_STATES:
            continue  # `the password is 'incorrect'`: a state, not a password
        if kind == "bare" and not _BARE_PROSE_VALUE.match(password):
            continue  # `the password is stored in …`: words, not a password
        if kind == "name":
            name_index = _line_of(starts, match.start("name"))  # Hadoop's `<name>` is on a line of its own
            start = match.start("name") - starts[name_index]
            strength = key_strength(lines[name_index][start:start + len(match.group("name"))])
            if strength is None or strength == "weak":
                continue
        if generic_reason(password, strength) is None and (index, password) not in seen:
            seen.add((index, password))
            yield index, col, password
    if not python:
        for match in LIST_OPENER.finditer(low):
            if starts is None:
                starts = _line_starts(lines)
            index = _line_of(starts, match.start())
            for key, line_index, col, value in _list_items(lines, index, match.start() - starts[index], bool(match.group(1))):
                verdict = judge(key, value)
                if verdict is None or (line_index, verdict[0]) in seen:
                    continue
                seen.add((line_index, verdict[0]))
                yield line_index, col + verdict[1], verdict[0]
    for pattern in (TRIGGER, TRIGGER_BLOCK):
        for match in leftmost(_TRIGGER_BY_CHAR, low) if pattern is TRIGGER else pattern.finditer(low):
            if starts is None:
                starts = _line_starts(lines)
            index = _line_of(starts, match.start())
            line = lines[index]
            pos = match.start() - starts[index]
            if pattern is TRIGGER_BLOCK:
                block = _BLOCK_KEY.search(line.lower())
                found = _block_value(lines, index, block.start()) if block else None
            else:
                found = assignment_at(line, pos, python)
            if found is None:
                continue
            key, col, value = found
            verdict = judge(key, value)
            if verdict is None:
                continue
            credential, offset = verdict
            line_index = index + 1 if pattern is TRIGGER_BLOCK else index
            if (line_index, credential) in seen:
                continue
            seen.add((line_index, credential))
            yield line_index, col + offset, credential


#: a key that names credentials in the plural and opens a list on the lines
#: after it: YAML's ``unseal_keys:`` (items ``- …`` follow) and JSON's
#: ``"api_keys": [`` (one quoted item per line follows); searched in lower-cased
#: configuration text, starting with the plural word's literal
LIST_OPENER = re.compile(
    # (`[ \t]*(?:(\[)[ \t]*)?$`: one way to read a run of blanks, so a long
    # run not followed by the line's end fails in linear time)
    r"(?:keys|tokens|secrets|passwords|passwds|credentials)[\w.\-]*[\"']?[ \t]*:[ \t]*(?:(\[)[ \t]*)?$",
    re.M,
)
_PLURAL = re.compile(r"(?i)(key|token|secret|password|passwd|credential)s(?=$|[^a-z])")
_YAML_ITEM = re.compile(r"^([ \t]*)-[ \t]+([\"']?)([^\s\"'#,\[\]{}]{8,500})\2[ \t]*(?:#.*)?$")
_JSON_ITEM = re.compile(r"^[ \t]*\"([^\"\\\s]{8,500})\"[ \t]*,?[ \t]*$")
#: at most this many items are read after one opener
_MAX_ITEMS = 64


def _list_items(lines: Sequence[str], index: int, pos: int, json_list: bool) -> Iterator[Tuple[str, int, int, str]]:
    """(singular key, 0-based line, column, value) of each item of the list
    that the key at ``pos`` of line ``index`` opens (``unseal_keys:`` then
    ``- …`` lines; ``"api_keys": [`` then ``"…",`` lines): each item is a
    value of the key, judged as if the key were singular (``unseal_key``)."""
    line = lines[index]
    start = _key_start(line, pos)
    key = line[start:].split(":")[0].strip("\"'` \t")
    key = _PLURAL.sub(r"\1", key)
    indent = len(line) - len(line.lstrip())
    for number in range(index + 1, min(len(lines), index + 1 + _MAX_ITEMS)):
        item = lines[number]
        stripped = item.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = (_JSON_ITEM if json_list else _YAML_ITEM).match(item)
        if match is None or not json_list and len(match.group(1)) < indent:
            return
        value = match.group(1) if json_list else match.group(3)
        yield key, number, match.start(1 if json_list else 3), value


def _block_value(lines: Sequence[str], index: int, pos: int):
    """``key: |`` / ``<key>`` with the value alone on the next line."""
    if index + 1 >= len(lines):
        return None
    line = lines[index]
    start = _key_start(line, pos)
    key = line[start:].split(">")[0].split(":")[0]
    following = lines[index + 1]
    value = following.strip()
    if not value or " " in value or "<" in value:
        return None
    return key, following.index(value), value


def _line_starts(lines: Sequence[str]) -> List[int]:
    import itertools

    return [0, *itertools.accumulate(len(line) + 1 for line in lines[:-1])]


def _line_of(starts: List[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset) - 1


# --------------------------------------------------------------------------- default passwords

#: passwords a product ships as its default or documents for its first login
#: (databases, brokers, admin consoles, Java key stores), and the commonest
#: weak ones. In a configuration file under a password name such a value is a
#: weak credential rather than a leaked secret: everyone knows it, so it is
#: reported at low severity (:func:`default_passwords`); shorter than the
#: keyword judge's minimum, most were never reported before.
DEFAULT_PASSWORDS = frozenset({
    "root", "toor", "admin", "administrator", "admin123", "adminadmin", "password", "passw0rd", "p@ssw0rd",
    "p@ssword", "pass", "pass123", "password1", "password123", "changeme", "changeit", "secret", "default", "guest",
    "letmein", "welcome", "qwerty", "123456", "12345678", "123456789", "1234", "12345", "111111", "000000",
    "postgres", "mysql", "mariadb", "oracle", "manager", "tomcat", "jenkins", "minioadmin", "airflow", "neo4j",
    "rabbitmq", "elastic", "superuser", "sysadmin", "test123", "demo",
})
#: leetspeak's letter substitutes (``P@ssw0rd``, ``Ch@ng3m3``, ``r00t``)
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "0": "o", "$": "s", "5": "s", "7": "t"})


def is_default_password(value: str) -> bool:
    """Is ``value`` a known default or weak password (:data:`DEFAULT_PASSWORDS`),
    also written in leetspeak (``Ch@ng3m3`` is ``changeme``, ``P4ssw0rd`` is
    ``password``)? A generated value never folds to one of these words."""
    low = value.lower()
    return low in DEFAULT_PASSWORDS or low.translate(_LEET) in DEFAULT_PASSWORDS


#: every password name (:data:`PASSWORD_WORDS`) holds one of these
_PASSWORD_STEMS = ("pass", "pw", "psw", "senha", "contras")
#: ``key: value`` / ``key = value`` / ``"key": "value",`` / ``KEY=value`` with
#: the value last on its line (a trailing comma or ``#`` comment allowed)
_DEFAULT_ASSIGN = re.compile(
    r"""(?:^|(?<=[\s{,]))(?:-[ \t]+)?(?:export[ \t]+)?(?P<kq>["'`]?)(?P<key>[A-Za-z_][\w.\-]{0,60})(?P=kq)[ \t]*(?::|=)[ \t]*"""
    r"""(?P<q>["'`]?)(?P<v>[^\s"'`,;#]{2,24})(?P=q)[ \t]*,?[ \t]*(?:#.*)?$"""
)


def default_passwords(lines: Sequence[str], lowered: Optional[str] = None, starts: Optional[List[int]] = None) -> Iterator[Tuple[int, int, str]]:
    """(0-based line, 0-based column, value) of each known default or weak
    password (:func:`is_default_password`) assigned to a password-named key in
    configuration text (YAML, JSON, TOML, INI, ``.env``). Not for Python:
    there a literal is judged by the keyword rules alone."""
    low = lowered if lowered is not None else "\n".join(lines).lower()
    if not any(word in low for word in _PASSWORD_STEMS):
        return  # (C-speed)
    if len(low) != sum(map(len, lines)) + len(lines) - 1:  # a rare Unicode case change: line by line
        low = "\n".join(line.lower() if len(line.lower()) == len(line) else "?" * len(line) for line in lines)
    starts = starts if starts is not None else _line_starts(lines)
    candidates = set()
    for stem in _PASSWORD_STEMS:  # str.find: C-speed, one look per line that holds a stem
        pos = low.find(stem)
        while pos >= 0:
            index = _line_of(starts, pos)
            candidates.add(index)
            end = low.find("\n", pos)
            if end < 0:
                break
            pos = low.find(stem, end)
    for index in sorted(candidates):
        line = lines[index]
        if len(line) > 200:
            continue
        match = _DEFAULT_ASSIGN.search(line)
        if match is None or not is_default_password(match.group("v")):
            continue
        if key_strength(match.group("key")) != "password":
            continue
        yield index, match.start("v"), match.group("v")


# ---------------------------------------------------------------------------
# bare authorization values (`"Basic <base64 of user:pass>"`, `"Bearer <token>"`)

#: an HTTP authorization scheme and its credential, searched in lower-cased
#: text (the value is read back from the original): RFC 7617's `Basic` and
#: RFC 6750's `Bearer` exist only to carry a credential
_BARE_AUTH = re.compile(r"(basic|bearer)[ \t]+([a-z0-9+/_.~-]{8,1000}={0,2})(?![\w+/=.~-])")
_PRINTABLE_TEXT = re.compile(r"[\x20-\x7e]+")


def bare_auth(lines: Sequence[str], lowered: Optional[str] = None, starts: Optional[List[int]] = None,
              python: bool = False) -> Iterator[Tuple[int, int, str, bool]]:
    """(0-based line, 0-based column, value, weak) of every authorization
    value written with its scheme word and no header name: ``"Basic …"``
    whose base64 decodes to ``user:password`` with a password of 6+
    characters that the password judge keeps (a known default, or the user
    name again, is *weak*: reported low, round 14's policy; a syntax test's
    ``u:p`` is nothing), ``"Bearer …"`` whose token is random-looking by the
    token judge (16+ characters; a JWT is the JWT detector's). In Python only
    a value inside a string literal on its line counts, not in a comment or
    a docstring (documentation names the scheme with made-up values). Under a name (``Authorization:
    Basic …``) the keyword detector reports the same value; the adapter keeps
    one."""
    text = "\n".join(lines)
    low = lowered if lowered is not None else text.lower()
    if ("basic" not in low and "bearer" not in low) or len(low) != len(text):
        return
    offsets = None
    for match in _bare_auth_matches(low):
        if offsets is None:
            offsets = starts if starts is not None else _line_starts(lines)
        index = _line_of(offsets, match.start())
        col = match.start(2) - offsets[index]
        line = lines[index]
        if python:
            head = line[:match.start(1) - offsets[index]]
            if head.lstrip().startswith("#") or not ("\"" in head or "'" in head) or '"""' in head or "'''" in head:
                continue  # a comment, a docstring: prose naming the scheme
        value = text[match.start(2):match.end(2)]
        weak = _bare_auth_verdict(match.group(1), value)
        if weak is not None:
            yield index, col, value, weak


def _bare_auth_matches(low: str):
    """:data:`_BARE_AUTH` matched only where ``basic``/``bearer`` starts a
    word (``str.find`` jumps between them: ``BasicTokenizer`` and
    ``basic_block`` fill ML code, a regex scan of every position costs more)."""
    for word in ("basic", "bearer"):
        at = low.find(word)
        while at >= 0:
            if at == 0 or not (low[at - 1].isalnum() or low[at - 1] in "_-"):
                match = _BARE_AUTH.match(low, at)
                if match is not None:
                    yield match
            at = low.find(word, at + len(word))


def _bare_auth_verdict(scheme: str, value: str) -> Optional[bool]:
    """None when ``value`` after ``scheme`` is no credential, else whether it
    is a weak one."""
    if scheme == "bearer":
        if value.startswith("eyJ") or len(value) < 16:
            return None
        return False if generic_reason(value, "token") is None else None
    import base64
    import binascii

    body = value.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    decoded = raw.decode("ascii", "replace")
    if not _PRINTABLE_TEXT.fullmatch(decoded) or ":" not in decoded:
        return None
    user, password = decoded.split(":", 1)
    if not user or len(password) < 4:
        return None  # `u:p`, `:x`: a syntax test's pair
    if password == user or is_default_password(password):
        return True
    if len(password) < 6 or generic_reason(password, "password") is not None:
        return None
    return False
