#!/usr/bin/env python3
"""Soak test: the real binary under mixed valid and hostile traffic while its wordlists are
reloaded every few seconds, good and broken by turns. Standard library only.

    python3 tests/soak/soak.py                   # 60 s (CI)
    python3 tests/soak/soak.py --minutes 30      # longer, by hand
    TAMIZ_BIN=target/release/tamiz python3 tests/soak/soak.py --seconds 120

Traffic, all on 127.0.0.1:
- valid: /v1/moderate, /v1/moderate/batch (20 items), Perspective comments:analyze and
  OpenAI /v1/moderations, with real comments, on keep-alive connections;
- malformed: broken JSON, invalid UTF-8, nesting past the limit, the wrong content type, a
  3 MB body (declared and chunked), bytes that are not HTTP, and slow clients that stall
  mid-body until the request timeout;
- every RELOAD_EVERY seconds the wordlists change in the temp copy the server reads: a good edit
  (a new term) that must serve at once, then a broken one (a weight that is not a number)
  that must be refused with 422 while the previous version keeps serving.

Pass: no 5xx and no lost answer for any valid request; malformed requests get 4xx (a stalled
body its 503); every good reload serves its new term and every broken one leaves the version
unchanged; RSS flat (median of the last quarter of samples <= median of the first quarter
x 1.3 + 5 MB); and the Prometheus counters equal what the client counted:
tamiz_http_requests_total{route="/v1/moderate",status="200"} and the sum of
tamiz_decisions_total. Exit status 0 on pass; a summary line either way.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
API_KEY = "soak-key"
RELOAD_EVERY = 3.0
REQUEST_TIMEOUT_SECS = 2


def corpus():
    texts = []
    with open(os.path.join(REPO, "tests/data/corpus_comments.jsonl"), encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    with open(os.path.join(REPO, "tests/data/corpus_articles.jsonl"), encoding="utf-8") as f:
        texts += [json.loads(line)["text"][:1500] for line in f if line.strip()]
    texts += ["you are an idiot", "eres un pendejo", "I will kill you", "what a lovely day", "f.u.c.k off m0r0n"]
    # The readings built on first use (the hashtag model) count toward the RSS checks too.
    texts += ["so true #youareanidiot", "#muerteatodoslosgringos", "f🤬ck this"]
    # Perspective refuses blank comments (400 COMMENT_EMPTY): valid traffic has none.
    return [t for t in texts if t.strip()]


class Tally:
    """Counters shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.problems = []

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def problem(self, text):
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(text)
            self.counts["problems"] = self.counts.get("problems", 0) + 1

    def get(self, key):
        with self.lock:
            return self.counts.get(key, 0)


class Client:
    """One keep-alive connection; a request that fails on a reused connection (the server
    closed it while idle) is retried once on a fresh one, as HTTP clients do."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers.setdefault("Authorization", f"Bearer {API_KEY}")
        for attempt in range(2):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                res = self.conn.getresponse()
                data = res.read()
                if res.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return res.status, data
            except (ConnectionError, http.client.HTTPException, socket.timeout, OSError):
                self.conn.close()
                self.conn = None
                if fresh or attempt == 1:
                    raise
        raise RuntimeError("unreachable")


def valid_worker(port, texts, tally, stop, seed):
    rng = random.Random(seed)
    client = Client(port)
    while not stop.is_set():
        kind = rng.choice(["moderate", "moderate", "moderate", "batch", "analyze", "openai"])
        text = rng.choice(texts)
        if kind == "moderate":
            path, body, scored = "/v1/moderate", {"text": text, "id": rng.randint(0, 10**6)}, 1
        elif kind == "batch":
            items = [{"id": i, "text": rng.choice(texts)} for i in range(20)]
            path, body, scored = "/v1/moderate/batch", {"items": items}, 20
        elif kind == "analyze":
            body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}}
            path, scored = "/v1alpha1/comments:analyze", 1
        else:
            inputs = [rng.choice(texts) for _ in range(rng.randint(1, 3))]
            path, body, scored = "/v1/moderations", {"input": inputs}, len(inputs)
        tally.add("valid_sent")
        try:
            status, data = client.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
        except Exception as e:  # noqa: BLE001 - any failure is a lost answer
            tally.add("valid_lost")
            tally.problem(f"valid {kind}: no answer: {e!r}")
            continue
        tally.add(f"status:{status}")
        if status != 200:
            tally.add("valid_non_200")
            tally.problem(f"valid {kind}: {status} {data[:200]!r}")
            continue
        tally.add("valid_ok")
        tally.add("scored", scored)
        if kind == "moderate":
            tally.add("moderate_200")
        if kind == "batch":
            results = json.loads(data)["results"]
            if len(results) != 20 or any("decision" not in r for r in results):
                tally.problem(f"batch: bad results {data[:200]!r}")


def raw(port, payload, read=True, timeout=30):
    """Sends bytes on a new connection; returns the status (0 when the server closed first)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(payload)
        except OSError:
            pass  # the server may answer and close before reading everything
        if not read:
            return 0
        buf = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return int(m.group(1)) if m else 0


def http_bytes(path, body, content_type="application/json", extra=""):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {API_KEY}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
    )
    return head.encode() + body


def malformed_worker(port, tally, stop, seed):
    rng = random.Random(seed)
    huge = b'{"text": "' + b"a" * (3 << 20) + b'"}'
    cases = {
        "bad_json": lambda: http_bytes("/v1/moderate", b'{"text": "unterminated'),
        "invalid_utf8": lambda: http_bytes("/v1/moderate", b'{"text": "\xff\xfe\xc3("}'),
        "too_deep": lambda: http_bytes("/v1/moderate/batch", b"[" * 200 + b"]" * 200),
        "wrong_type": lambda: http_bytes("/v1/moderate", b'{"text": "hi"}', "text/plain"),
        "huge": lambda: http_bytes("/v1/moderate", huge),
        "huge_chunked": lambda: (
            b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in [huge[i : i + 65536] for i in range(0, len(huge), 65536)])
            + b"0\r\n\r\n"
        ),
        "not_http": lambda: bytes(rng.getrandbits(8) for _ in range(200)) + b"\r\n\r\n",
        "perspective_junk": lambda: http_bytes("/v1alpha1/comments:analyze", b'{"comment": 5}'),
        "coral_unsigned": lambda: http_bytes("/coral/moderate", b'{"comment": {"body": "x"}}'),
    }
    while not stop.is_set():
        name = rng.choice(list(cases))
        tally.add("malformed_sent")
        try:
            status = raw(port, cases[name]())
        except OSError as e:
            tally.problem(f"malformed {name}: {e!r}")
            continue
        tally.add(f"malformed_status:{status}")
        # not_http may get a 400 or a plain close; everything else a 4xx (coral: unsigned is 401,
        # or 503 when no secret is configured, which this run does not do).
        if status >= 500 or (status == 0 and name != "not_http") or (status and status < 400):
            tally.problem(f"malformed {name}: status {status}")


def slow_worker(port, tally, stop):
    """A client that sends half a body and stalls: the server must answer 503 within its
    request timeout, and not hold anything past it."""
    body = json.dumps({"text": "this comment will never be finished " * 10}).encode()
    while not stop.is_set():
        tally.add("slow_sent")
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT_SECS + 10) as s:
                s.sendall(http_bytes("/v1/moderate", body)[: -len(body) // 2])
                buf = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    buf += chunk
        except OSError as e:
            tally.problem(f"slow client: {e!r}")
            continue
        took = time.monotonic() - start
        m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
        status = int(m.group(1)) if m else 0
        tally.add(f"slow_status:{status}")
        if status != 503 or took > REQUEST_TIMEOUT_SECS + 3:
            tally.problem(f"slow client: status {status} after {took:.1f}s")


def lexicon_version(client):
    status, data = client.request("GET", "/v1/lexicon")
    assert status == 200, (status, data)
    return json.loads(data)["version"]


def reload_worker(port, wordlists, tally, stop):
    client = Client(port)
    target = os.path.join(wordlists, "en", "insult.txt")
    with open(target, encoding="utf-8") as f:
        original = f.read()
    n = 0
    while not stop.wait(RELOAD_EVERY / 2):
        n += 1
        before = lexicon_version(client)
        if n % 2:
            term = f"soakterm{n:05d}"
            with open(target, "w", encoding="utf-8") as f:
                f.write(original + f"\n{term} = 3.0\n")
            status, data = client.request("POST", "/admin/reload")
            tally.add("reload_good")
            after = lexicon_version(client)
            if status != 200 or after == before:
                tally.problem(f"good reload {n}: {status} {data[:200]!r}, version {before} -> {after}")
                continue
            status, data = client.request(
                "POST", "/v1/moderate", json.dumps({"text": f"you {term}"}).encode(), {"Content-Type": "application/json"}
            )
            tally.add("valid_sent")
            tally.add("valid_ok" if status == 200 else "valid_non_200")
            if status == 200:
                tally.add("moderate_200")
                tally.add("scored")
            terms = [m["term"] for m in json.loads(data).get("matches", [])] if status == 200 else []
            if term not in terms:
                tally.problem(f"good reload {n}: the new term is not served ({status}, {terms})")
        else:
            with open(target, "a", encoding="utf-8") as f:
                f.write("soakbroken = not-a-number\n")
            status, data = client.request("POST", "/admin/reload")
            tally.add("reload_broken")
            after = lexicon_version(client)
            if status != 422 or b"insult.txt" not in data or after != before:
                tally.problem(f"broken reload {n}: {status} {data[:200]!r}, version {before} -> {after}")
            # Put the last good file back; the next good reload rewrites it anyway.
            with open(target, "w", encoding="utf-8") as f:
                f.write(original + f"\nsoakterm{n - 1:05d} = 3.0\n")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def metrics(port):
    status, data = Client(port).request("GET", "/metrics")
    assert status == 200
    text = data.decode()
    moderate_200 = decisions = 0.0
    for line in text.splitlines():
        if line.startswith("tamiz_http_requests_total{") and 'route="/v1/moderate"' in line and 'status="200"' in line:
            moderate_200 += float(line.rsplit(" ", 1)[1])
        if line.startswith("tamiz_decisions_total{"):
            decisions += float(line.rsplit(" ", 1)[1])
    return int(moderate_200), int(decisions)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--minutes", type=float, help="overrides --seconds")
    ap.add_argument("--valid-threads", type=int, default=6)
    ap.add_argument("--malformed-threads", type=int, default=2)
    args = ap.parse_args()
    duration = args.minutes * 60 if args.minutes else args.seconds
    duration = max(10.0, min(duration, 24 * 3600))

    binary = os.path.abspath(os.environ.get("TAMIZ_BIN") or os.path.join(REPO, "target/debug/tamiz"))
    if not os.environ.get("TAMIZ_BIN"):
        subprocess.run(["cargo", "build", "--quiet", "--bin", "tamiz"], cwd=REPO, check=True)

    tmp = tempfile.mkdtemp(prefix="tamiz-soak-")
    wordlists = os.path.join(tmp, "wordlists")
    shutil.copytree(os.path.join(REPO, "wordlists"), wordlists)
    env = dict(
        os.environ,
        TAMIZ__SERVER__HOST="127.0.0.1",
        TAMIZ__SERVER__PORT="0",
        TAMIZ__SERVER__WORKERS="2",
        TAMIZ__SERVER__REQUEST_TIMEOUT_SECS=str(REQUEST_TIMEOUT_SECS),
        TAMIZ__LEXICON__DIR=wordlists,
        TAMIZ__LEXICON__WATCH="false",
        TAMIZ__LOG__LEVEL="warn",
        TAMIZ__AUTH__API_KEYS=API_KEY,
        TAMIZ__AUTH__ADMIN_KEYS=API_KEY,
        TAMIZ__CORAL__SIGNING_SECRETS="soak-secret",
        TAMIZ__FEEDBACK__PATH=os.path.join(tmp, "feedback.jsonl"),
    )
    log = open(os.path.join(tmp, "server.log"), "w+")
    server = subprocess.Popen([binary, "--config", os.path.join(REPO, "config"), "serve"], env=env, stderr=log, cwd=tmp)
    ok = False
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            if server.poll() is not None:
                break
            log.seek(0)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read())
            port = int(m.group(1)) if m else None
            time.sleep(0.1)
        if port is None:
            log.seek(0)
            print(log.read(), file=sys.stderr)
            print("soak: the server did not start", file=sys.stderr)
            return 1

        texts = corpus()
        tally = Tally()
        stop = threading.Event()
        threads = [threading.Thread(target=valid_worker, args=(port, texts, tally, stop, i)) for i in range(args.valid_threads)]
        threads += [
            threading.Thread(target=malformed_worker, args=(port, tally, stop, 100 + i)) for i in range(args.malformed_threads)
        ]
        threads += [
            threading.Thread(target=slow_worker, args=(port, tally, stop)),
            threading.Thread(target=reload_worker, args=(port, wordlists, tally, stop)),
        ]
        for t in threads:
            t.daemon = True
            t.start()

        samples = []
        start = time.monotonic()
        while time.monotonic() - start < duration:
            time.sleep(1)
            samples.append(rss_kb(server.pid))
            if server.poll() is not None:
                tally.problem("the server exited")
                break
        stop.set()
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT_SECS + 40)
            if t.is_alive():
                tally.problem(f"thread {t.name} did not stop")

        moderate_200, decisions = metrics(port)
        q = max(1, len(samples) // 4)
        first, last = statistics.median(samples[:q]), statistics.median(samples[-q:])
        rss_ok = last <= first * 1.3 + 5 * 1024
        if not rss_ok:
            tally.problem(f"RSS grew: first-quarter median {first / 1024:.1f} MB, last {last / 1024:.1f} MB")
        if moderate_200 != tally.get("moderate_200"):
            tally.problem(f"/v1/moderate 200s: server counted {moderate_200}, client {tally.get('moderate_200')}")
        if decisions != tally.get("scored"):
            tally.problem(f"decisions: server counted {decisions}, client scored {tally.get('scored')}")
        log.seek(0)
        if "panicked" in log.read():
            tally.problem("the server log has a panic")
        for key in ("valid_sent", "valid_ok", "malformed_sent", "slow_sent", "reload_good", "reload_broken"):
            if key != "valid_ok" and tally.get(key) == 0:
                tally.problem(f"nothing was done for {key}")

        c = tally.counts
        elapsed = time.monotonic() - start
        print(
            f"soak: {elapsed:.0f} s; valid {c.get('valid_ok', 0)}/{c.get('valid_sent', 0)} answered 200 "
            f"({c.get('valid_ok', 0) / elapsed:.0f}/s, {c.get('scored', 0)} comments scored), "
            f"lost {c.get('valid_lost', 0)}; malformed {c.get('malformed_sent', 0)}, slow clients {c.get('slow_sent', 0)}; "
            f"reloads good {c.get('reload_good', 0)}, broken {c.get('reload_broken', 0)}; "
            f"RSS median {first / 1024:.1f} MB first quarter, {last / 1024:.1f} MB last, max {max(samples) / 1024:.1f} MB; "
            f"metrics: /v1/moderate 200 {moderate_200} (client {c.get('moderate_200', 0)}), "
            f"decisions {decisions} (client {c.get('scored', 0)})"
        )
        statuses = {k: v for k, v in sorted(c.items()) if ":" in k}
        print(f"soak: statuses {statuses}")
        for p in tally.problems:
            print(f"soak: PROBLEM {p}", file=sys.stderr)
        ok = not tally.problems
        print(f"soak: {'1 passed, 0 failed' if ok else '0 passed, 1 failed'}")
        return 0 if ok else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"soak: server log and wordlists kept in {tmp}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
