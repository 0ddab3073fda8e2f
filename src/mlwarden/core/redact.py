"""The one redaction function for text that may carry a credential.

Every finding message and every one-line error goes through
:func:`redact_text` before anything prints, caches or writes it (see
:class:`mlwarden.core.finding.Finding`). Secret findings already hold only a
masked preview (:func:`mlwarden.core.finding.redact`); this catches the rest:
credentials inside URLs (``https://user:TOKEN@host``, ``git+https://TOKEN@host``)
and similar text that a rule echoes from the file.
"""

from __future__ import annotations

import re

#: ``scheme://userinfo@`` — the userinfo part (user, user:password or a bare
#: token) is a credential whatever it looks like.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<userinfo>[^\s/@`'\"<>]+)@")


def _mask_userinfo(match: "re.Match[str]") -> str:
    userinfo = match.group("userinfo")
    user, sep, _password = userinfo.partition(":")
    if sep:  # user:password -> keep the user name, hide the password
        return f"{match.group('scheme')}{user}:****@"
    return f"{match.group('scheme')}****@"


def redact_text(text: str) -> str:
    """``text`` with every credential it can recognise masked."""
    if "@" not in text:
        return text
    return _URL_USERINFO.sub(_mask_userinfo, text)
