"""Schemathesis hooks for tamiz: signs Coral webhook bodies so the scoring path is reached.

Coral authenticates by an HMAC of the raw body (`X-Coral-Signature: sha256=<hex>`), which a
generator cannot produce. Object bodies are signed here with the secret run.sh configured, the
same way requests will serialize them; anything else goes out unsigned and must get a 401.
"""

import hashlib
import hmac
import os

import schemathesis
from requests.compat import json as complexjson

SECRET = os.environ.get("TAMIZ_ST_CORAL_SECRET", "").encode()


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path != "/coral/moderate" or not SECRET or not isinstance(case.body, dict):
        return
    try:
        raw = complexjson.dumps(case.body, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return
    if case.headers is None:
        case.headers = {}
    case.headers["X-Coral-Signature"] = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
