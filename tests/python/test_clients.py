"""The real, unmodified public clients against tamiz on loopback.

- Google's API client builds the Perspective (`commentanalyzer v1alpha1`) client from the
  discovery document tamiz serves, then calls `comments.analyze` and `comments.suggestscore`.
- OpenAI's SDK calls `moderations.create` with `base_url` pointing at tamiz.
- A Coral-style External Moderation Phase call, signed as Coral signs it, through `requests`.

The service is the built binary (`TAMIZ_BIN`, default `target/debug/tamiz`) started with a
throw-away config directory; its port is read from the `listening on http://HOST:PORT` line it
prints on stderr. Run through `tests/python/run.sh`, which makes the virtual environment.
"""

import hashlib
import hmac
import json
import os
import pathlib
import queue
import re
import shutil
import subprocess
import threading
import time

import openai
import pytest
import requests
from googleapiclient import discovery
from googleapiclient.errors import HttpError

REPO = pathlib.Path(__file__).resolve().parents[2]
KEY = "testkey"
# Two signing secrets configured, as while Coral keeps a rotated secret active.
SECRETS = ("new-secret", "old-secret")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Starts tamiz on a free port; yields its base URL and the feedback log path."""
    root = tmp_path_factory.mktemp("tamiz")
    (root / "config").mkdir()
    shutil.copy(REPO / "config" / "default.toml", root / "config" / "default.toml")
    feedback = root / "feedback" / "feedback.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMIZ")}
    env.update(
        {
            "TAMIZ__SERVER__PORT": "0",
            "TAMIZ__SERVER__WORKERS": "2",
            "TAMIZ__AUTH__API_KEYS": KEY,
            "TAMIZ__CORAL__SIGNING_SECRETS": ",".join(SECRETS),
            "TAMIZ__LEXICON__DIR": str(REPO / "wordlists"),
            "TAMIZ__LEXICON__WATCH": "false",
            "TAMIZ__FEEDBACK__PATH": str(feedback),
            "TAMIZ__LOG__LEVEL": "warn",
        }
    )
    binary = os.environ.get("TAMIZ_BIN", str(REPO / "target" / "debug" / "tamiz"))
    proc = subprocess.Popen(
        [binary, "serve", "--config", str(root / "config")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = queue.Queue()

    def drain():
        # Keep reading so the server never blocks on a full stderr pipe.
        for line in proc.stderr:
            lines.put(line)

    threading.Thread(target=drain, daemon=True).start()
    base, seen, deadline = None, [], time.monotonic() + 60
    while base is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if m:
            base = m.group(1)
    if base is None:
        proc.kill()
        pytest.fail("tamiz did not start:\n" + "".join(seen))
    yield {"base": base, "feedback": feedback}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def perspective(server, key=KEY):
    """The Perspective client, built by Google's library from tamiz's discovery document."""
    return discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey=key,
        discoveryServiceUrl=server["base"] + "/$discovery/rest?version=v1alpha1",
        static_discovery=False,
        cache_discovery=False,
    )


def utf16_slice(text, begin, end):
    units = text.encode("utf-16-le")
    return units[2 * begin : 2 * end].decode("utf-16-le")


# --- Perspective -------------------------------------------------------------------------------


def test_perspective_client_scores_requested_attributes(server):
    client = perspective(server)
    response = (
        client.comments()
        .analyze(
            body={
                "comment": {"text": "you are an idiot"},
                "requestedAttributes": {"TOXICITY": {}, "INSULT": {}, "THREAT": {}},
                "languages": ["en"],
                "clientToken": "py-1",
            }
        )
        .execute()
    )
    scores = response["attributeScores"]
    assert scores["TOXICITY"]["summaryScore"]["type"] == "PROBABILITY"
    assert scores["TOXICITY"]["summaryScore"]["value"] > 0.8
    assert scores["INSULT"]["summaryScore"]["value"] > 0.8
    assert scores["THREAT"]["summaryScore"]["value"] < 0.5
    assert response["languages"] == ["en"]
    assert response["detectedLanguages"] == ["en"]
    assert response["clientToken"] == "py-1"

    calm = (
        client.comments()
        .analyze(
            body={
                "comment": {"text": "Gracias por el artículo, muy interesante."},
                "requestedAttributes": {"TOXICITY": {}},
            }
        )
        .execute()
    )
    assert calm["attributeScores"]["TOXICITY"]["summaryScore"]["value"] < 0.5
    assert calm["detectedLanguages"] == ["es"]


def test_perspective_span_offsets_are_utf16(server):
    text = "😀😀 ñandú, you are an idiot"
    response = (
        perspective(server)
        .comments()
        .analyze(
            body={
                "comment": {"text": text},
                "requestedAttributes": {"INSULT": {}},
                "spanAnnotations": True,
            }
        )
        .execute()
    )
    spans = response["attributeScores"]["INSULT"]["spanScores"]
    assert spans, response
    covered = [utf16_slice(text, s["begin"], s["end"]) for s in spans]
    assert any("idiot" in c for c in covered), covered
    # In Python code points "idiot" ends at len(text); in UTF-16 units two more (the emoji).
    assert max(s["end"] for s in spans) == len(text) + 2


def test_perspective_threshold_omits_low_scores(server):
    response = (
        perspective(server)
        .comments()
        .analyze(
            body={
                "comment": {"text": "you are an idiot"},
                "requestedAttributes": {
                    "TOXICITY": {"scoreThreshold": 0.5},
                    "THREAT": {"scoreThreshold": 0.9},
                    "SEVERE_TOXICITY_EXPERIMENTAL": {"scoreThreshold": 0.99},
                },
            }
        )
        .execute()
    )
    assert set(response["attributeScores"]) == {"TOXICITY"}


@pytest.mark.parametrize(
    "body,error_type,message",
    [
        (
            {"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}},
            "COMMENT_EMPTY",
            "Comment must be non-empty.",
        ),
        ({"comment": {"text": "hi"}}, "NO_REQUESTED_ATTRIBUTES", "attribute"),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}},
            "INVALID_REQUEST",
            "Unknown requested attribute: FLIRTATION",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["de"]},
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            "does not support request languages: de",
        ),
    ],
)
def test_perspective_errors_surface_as_http_error(server, body, error_type, message):
    with pytest.raises(HttpError) as caught:
        perspective(server).comments().analyze(body=body).execute()
    err = caught.value
    assert err.resp.status == 400
    assert err.error_details[0]["errorType"] == error_type
    assert message in err.reason
    assert json.loads(err.content)["error"]["status"] == "INVALID_ARGUMENT"


def test_perspective_bad_key_is_refused(server):
    with pytest.raises(HttpError) as caught:
        perspective(server, key="not-a-key").comments().analyze(
            body={"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
        ).execute()
    assert caught.value.resp.status == 401
    assert "API key not valid" in caught.value.reason


def test_perspective_suggestscore_lands_in_the_feedback_log(server):
    response = (
        perspective(server)
        .comments()
        .suggestscore(
            body={
                "comment": {"text": "eres un idiota"},
                "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}},
                "languages": ["es"],
                "communityId": "Coral:https://news.example",
                "clientToken": "comment:py-42",
            }
        )
        .execute()
    )
    assert response["clientToken"] == "comment:py-42"
    assert response["requestedLanguages"] == ["es"]
    assert response["detectedLanguages"] == ["es"]
    # Appended and synced before the answer: the line is there now.
    records = [json.loads(line) for line in server["feedback"].read_text().splitlines()]
    mine = [r for r in records if r.get("clientToken") == "comment:py-42"]
    assert len(mine) == 1
    assert mine[0]["comment"]["text"] == "eres un idiota"
    assert mine[0]["attributeScores"]["TOXICITY"]["summaryScore"]["value"] == 1


def test_coral_perspective_endpoint_form(server):
    # Coral's admin holds `http://HOST:PORT/v1alpha1` and appends `/comments:analyze?key=...`.
    endpoint = server["base"] + "/v1alpha1"
    res = requests.post(
        endpoint + "/comments:analyze",
        params={"key": KEY},
        json={
            "comment": {"text": "you are an idiot"},
            "doNotStore": True,
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
        },
        timeout=10,
    )
    assert res.status_code == 200, res.text
    assert res.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.8


# --- OpenAI ------------------------------------------------------------------------------------


def openai_client(server, key=KEY):
    return openai.OpenAI(base_url=server["base"] + "/v1", api_key=key, max_retries=0)


def test_openai_sdk_parses_moderations(server):
    result = openai_client(server).moderations.create(
        model="omni-moderation-latest",
        input=["I will kill you", "Have a lovely day"],
    )
    assert isinstance(result, openai.types.ModerationCreateResponse)
    assert result.id.startswith("modr-")
    assert result.model == "omni-moderation-latest"
    threat, fine = result.results
    assert isinstance(threat, openai.types.Moderation)
    assert threat.flagged is True
    assert threat.categories.harassment_threatening is True
    assert threat.categories.violence is True
    assert threat.category_scores.violence > 0.7
    assert threat.category_scores.self_harm == 0.0
    assert threat.category_applied_input_types.violence == ["text"]
    assert fine.flagged is False
    assert fine.categories.hate is False


def test_openai_sdk_text_parts_and_single_string(server):
    client = openai_client(server)
    single = client.moderations.create(input="you are an idiot")
    assert len(single.results) == 1 and single.results[0].flagged
    parts = client.moderations.create(
        input=[{"type": "text", "text": "you are"}, {"type": "text", "text": "an idiot"}]
    )
    assert len(parts.results) == 1


def test_openai_sdk_errors(server):
    with pytest.raises(openai.AuthenticationError) as caught:
        openai_client(server, key="sk-wrong").moderations.create(input="hello")
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client(server).moderations.create(
            input=[{"type": "image_url", "image_url": {"url": "https://example.org/cat.png"}}]
        )
    assert "Image inputs are not supported" in caught.value.message


# --- Coral External Moderation Phase ----------------------------------------------------------


def coral_body(text):
    return {
        "action": "NEW",
        "comment": {"body": text, "parentID": None},
        "author": {"id": "baf4e943", "role": "COMMENTER"},
        "story": {"id": "245b3856", "url": "https://news.example/a-story/"},
        "site": {"id": "a4bede88"},
        "tenantID": "19ba5794",
        "tenantDomain": "news.example",
    }


def signature(secret, raw):
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def post_coral(server, raw, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Coral-Signature"] = header
    return requests.post(server["base"] + "/coral/moderate", data=raw, headers=headers, timeout=10)


def test_coral_valid_signature_rejects_toxic_html(server):
    raw = json.dumps(coral_body("<p>you are an <b>id</b>iot</p>")).encode()
    res = post_coral(server, raw, signature(SECRETS[0], raw))
    assert res.status_code == 200, res.text
    answer = res.json()
    assert answer["status"] == "REJECTED"
    assert answer["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]
    assert answer["moderationAction"]["rejectionReason"]["code"]


def test_coral_allowed_comment_gets_204(server):
    raw = json.dumps(coral_body("<p>Thank you for this thoughtful article.</p>")).encode()
    res = post_coral(server, raw, signature(SECRETS[0], raw))
    assert res.status_code == 204
    assert res.content == b""


@pytest.mark.parametrize(
    "make_header",
    [
        lambda raw: None,
        lambda raw: signature("someone-else", raw),
        lambda raw: signature(SECRETS[0], raw + b" "),
        lambda raw: "sha256=" + "0" * 64,
    ],
    ids=["missing", "wrong-secret", "other-body", "zeros"],
)
def test_coral_invalid_signature_is_401(server, make_header):
    raw = json.dumps(coral_body("you are an idiot")).encode()
    res = post_coral(server, raw, make_header(raw))
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "INVALID_SIGNATURE"


def test_coral_rotated_signatures(server):
    raw = json.dumps(coral_body("you are an idiot")).encode()
    # The retired secret alone fails; Coral's header during rotation carries both.
    both = signature("retired-secret", raw) + "," + signature(SECRETS[1], raw)
    for header in (signature(SECRETS[1], raw), both):
        res = post_coral(server, raw, header)
        assert res.status_code == 200, res.text
        assert res.json()["status"] == "REJECTED"
