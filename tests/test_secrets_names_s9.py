"""Names that are not secrets, found on real ML code (session 9): a compiler
pass named in a pass manager's call (Paddle's ``config.delete_pass``), and a
lowerCamelCase key name in a list of key names (stanza's server options)."""

from __future__ import annotations

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def secrets(code: str):
    return [f.secret_preview for f in check_source(code, "lib.py", config=Config(select=["MLW401"], severity=Severity.LOW)).findings]


@pytest.mark.parametrize(
    "code",
    [
        'config.delete_pass("embedding_eltwise_layernorm_fuse_pass")\n',
        "pass_builder.append_pass('fused_multi_transformer_encoder_pass')\n",
        'pm.register_pass(\n    "my_custom_pass_v2",\n)\n',
        "cfg.enablePass('constant_folding_pass')\n",
        "for kw in ['status_port', 'uriContext', 'key', 'username', 'password', 'blockList', 'server_id']:\n    pass\n",
        "OPTIONS = ('username', 'password', 'apiVersion')\n",
    ],
)
def test_names_are_not_secrets(code):
    assert secrets(code) == []


@pytest.mark.parametrize(
    "code",
    [
        'client.set_pass("Xk8#pq2LmZ9!")\n',  # a setter, not a pass manager
        'config.delete_pass("Zq8rT2vLk9Wm")\n',  # not a pass's name
        "creds = ['admin', 'password', 'Zq8rT2vLk9Wm4']\n",  # not a camelCase name
    ],
)
def test_values_that_may_be_passwords_stay(code):
    assert len(secrets(code)) == 1
