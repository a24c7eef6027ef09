#!/usr/bin/env python3
"""Static checks of the files under deploy/, called by deploy/check.sh.

Parses every YAML (all documents) and JSON file, checks the alert rules' shape, the Grafana
dashboard (datasource uid, panel ids, metric names, PromQL via promtool), the embedded TOML of
the Kubernetes ConfigMap against config/default.toml, and the files docker-compose mounts.
Exits non-zero on the first class of failure it finds (all failures are printed).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("check.py: PyYAML is missing (pip install pyyaml, or apt-get install python3-yaml)")
try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")

# The metrics tamiz exports (src/metrics.rs). Dashboards and alerts may use only these.
METRICS = {
    "tamiz_http_requests_total": "counter",
    "tamiz_http_request_duration_seconds": "histogram",
    "tamiz_http_requests_in_flight": "gauge",
    "tamiz_decisions_total": "counter",
    "tamiz_category_flags_total": "counter",
    "tamiz_matches_total": "counter",
    "tamiz_scoring_duration_seconds": "histogram",
    "tamiz_comment_chars": "histogram",
    "tamiz_lexicon_entries": "gauge",
    "tamiz_lexicon_info": "gauge",
    "tamiz_lexicon_reloads_total": "counter",
    "tamiz_lexicon_last_reload_timestamp_seconds": "gauge",
    "tamiz_build_info": "gauge",
}

failures = []
warnings = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL  {msg}")


def ok(msg):
    print(f"ok    {msg}")


def rel(path):
    return os.path.relpath(path, ROOT)


def metric_names(expr):
    """tamiz_* metric names used in a PromQL expression, with histogram suffixes resolved."""
    names = set()
    for name in re.findall(r"\btamiz_[a-z0-9_]+", expr):
        base = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in METRICS:
                base = name[: -len(suffix)]
                if METRICS[base] != "histogram":
                    fail(f"{name}: {base} is not a histogram")
        names.add((name, base))
    return names


def check_metric_names(where, expr):
    for name, base in metric_names(expr):
        if base not in METRICS:
            fail(f"{where}: unknown metric {name}")


# 1. Every YAML and JSON file parses.
docs = {}
for dirpath, dirnames, filenames in os.walk(DEPLOY):
    for fn in sorted(filenames):
        path = os.path.join(dirpath, fn)
        try:
            if fn.endswith((".yml", ".yaml")):
                with open(path, encoding="utf-8") as f:
                    docs[path] = [d for d in yaml.safe_load_all(f) if d is not None]
                ok(f"{rel(path)}: YAML, {len(docs[path])} document(s)")
            elif fn.endswith(".json"):
                with open(path, encoding="utf-8") as f:
                    docs[path] = [json.load(f)]
                ok(f"{rel(path)}: JSON")
        except Exception as e:  # noqa: BLE001 - report any parse error
            fail(f"{rel(path)}: does not parse: {e}")

# 2. Alert rules: severity, summary, description, for; known metrics.
alerts_path = os.path.join(DEPLOY, "alerts.yml")
for group in docs.get(alerts_path, [{}])[0].get("groups", []):
    for rule in group.get("rules", []):
        name = rule.get("alert") or rule.get("record")
        check_metric_names(f"alerts.yml {name}", rule.get("expr", ""))
        if "alert" not in rule:
            continue
        if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            fail(f"alerts.yml {name}: severity label missing or not critical|warning|info")
        for key in ("summary", "description"):
            if not rule.get("annotations", {}).get(key):
                fail(f"alerts.yml {name}: annotation {key} missing")
        if "for" not in rule:
            fail(f"alerts.yml {name}: no `for:`")
ok("alerts.yml: rules have severity, summary, description, for")

# 3. Grafana dashboard.
dash_path = os.path.join(DEPLOY, "grafana", "tamiz.json")
dash = docs.get(dash_path, [None])[0]
if dash is not None:
    raw = open(dash_path, encoding="utf-8").read()
    if "${DS_" in raw or "__inputs" in dash:
        fail("grafana/tamiz.json: uses an import-time ${DS_...} input; use uid \"prometheus\"")
    if not 36 <= dash.get("schemaVersion", 0) <= 41:
        fail(f"grafana/tamiz.json: schemaVersion {dash.get('schemaVersion')} outside 36..41")
    ids, exprs = [], []

    def walk(panels):
        for p in panels:
            ids.append(p.get("id"))
            if p.get("type") != "row":
                ds = p.get("datasource") or {}
                if ds.get("uid") != "prometheus":
                    fail(f"grafana/tamiz.json panel {p.get('title')!r}: datasource uid is not \"prometheus\"")
                if not p.get("targets"):
                    fail(f"grafana/tamiz.json panel {p.get('title')!r}: no targets")
                gp = p.get("gridPos", {})
                if gp.get("x", 0) + gp.get("w", 0) > 24:
                    fail(f"grafana/tamiz.json panel {p.get('title')!r}: wider than the grid")
            for t in p.get("targets", []):
                if (t.get("datasource") or {}).get("uid") != "prometheus":
                    fail(f"grafana/tamiz.json panel {p.get('title')!r}: target datasource uid is not \"prometheus\"")
                exprs.append((p.get("title"), t["expr"]))
            walk(p.get("panels", []))

    walk(dash.get("panels", []))
    for a in dash.get("annotations", {}).get("list", []):
        if "expr" in a:
            exprs.append((a["name"], a["expr"]))
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if isinstance(q, str) and q.startswith("label_values("):
            exprs.append((f"variable {v['name']}", q[len("label_values("):-1].rsplit(",", 1)[0]))
    if len(ids) != len(set(ids)) or None in ids:
        fail("grafana/tamiz.json: panel ids missing or not unique")
    for title, e in exprs:
        check_metric_names(f"grafana/tamiz.json {title!r}", e)
    # Let promtool parse every expression (Grafana variables replaced by sample values).
    subst = lambda e: (e.replace("$__rate_interval", "1m").replace("$__interval", "1m")
                        .replace("$job", "tamiz").replace("$instance", ".*"))
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:expr{i}", "expr": subst(e)} for i, (_, e) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as tmp:
        yaml.safe_dump(rules, tmp)
    r = subprocess.run(["promtool", "check", "rules", tmp.name], capture_output=True, text=True)
    os.unlink(tmp.name)
    if r.returncode != 0:
        fail(f"grafana/tamiz.json: promtool rejects a query:\n{r.stdout}{r.stderr}")
    else:
        ok(f"grafana/tamiz.json: {len(ids)} panels, {len(exprs)} queries parse, known metrics only")

# 4. Kubernetes ConfigMap: TOML parses; names no key config/default.toml lacks; drift from
#    config/default.toml and config/production.toml is reported as a warning.
def flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def load_repo_toml(name):
    path = os.path.join(ROOT, "config", name)
    return flatten(tomllib.load(open(path, "rb"))) if os.path.exists(path) else None


cm_path = os.path.join(DEPLOY, "kubernetes", "configmap.yaml")
if tomllib is None:
    warnings.append("Python < 3.11: TOML in configmap.yaml not checked")
else:
    known = load_repo_toml("default.toml")
    for doc in docs.get(cm_path, []):
        if doc.get("metadata", {}).get("name") != "tamiz-config":
            continue
        for fname, text in doc.get("data", {}).items():
            try:
                cfg = flatten(tomllib.loads(text))
            except tomllib.TOMLDecodeError as e:
                fail(f"configmap.yaml {fname}: invalid TOML: {e}")
                continue
            if known is not None:
                unknown = sorted(set(cfg) - set(known))
                if unknown:
                    fail(f"configmap.yaml {fname}: keys not in config/default.toml: {', '.join(unknown)}")
            repo = load_repo_toml(fname)
            if repo is not None:
                missing = sorted(set(repo) - set(cfg))
                changed = sorted(k for k in set(repo) & set(cfg) if repo[k] != cfg[k])
                if missing:
                    warnings.append(f"configmap.yaml {fname} lacks keys of config/{fname}: {', '.join(missing)}")
                if changed:
                    warnings.append(f"configmap.yaml {fname} differs from config/{fname} in: {', '.join(changed)}")
        ok("kubernetes/configmap.yaml: TOML parses, no unknown settings")

# 4b. Every wordlist file in the repository has an item in the Deployment's wordlists volume
#     (ConfigMap keys are flat, so files not listed there never reach the pods).
dep_path = os.path.join(DEPLOY, "kubernetes", "deployment.yaml")
wl_dir = os.path.join(ROOT, "wordlists")
items = {}
for doc in docs.get(dep_path, []):
    for vol in doc.get("spec", {}).get("template", {}).get("spec", {}).get("volumes", []):
        if vol.get("configMap", {}).get("name") == "tamiz-wordlists":
            items = {i["key"]: i["path"] for i in vol["configMap"].get("items", [])}
for key, path in items.items():
    if key != path.replace("/", "."):
        fail(f"deployment.yaml wordlists item {key} -> {path}: key must be the path with / as .")
if os.path.isdir(wl_dir):
    files, size = [], 0
    for dirpath, _, filenames in os.walk(wl_dir):
        for fn in filenames:
            relp = os.path.relpath(os.path.join(dirpath, fn), wl_dir)
            parts = relp.split(os.sep)
            if (parts == ["allow.txt"] or (len(parts) == 2 and len(parts[0]) == 2 and fn.endswith(".txt"))
                    or (len(parts) == 2 and parts[0] == "learned" and fn.endswith(".tsv"))):
                files.append("/".join(parts))
                size += os.path.getsize(os.path.join(dirpath, fn))
    not_mounted = sorted(set(files) - set(items.values()))
    if not_mounted:
        warnings.append("wordlists not mapped by deployment.yaml's wordlists volume items (they would "
                        f"not reach the pods): {', '.join(not_mounted)}")
    if size > 900 * 1024:
        warnings.append(f"wordlists total {size} bytes: close to the 1 MiB ConfigMap limit")
    ok(f"kubernetes/deployment.yaml: wordlists volume maps {len(set(files) & set(items.values()))}"
       f"/{len(files)} wordlist files of wordlists/ ({size} bytes)")

# 5. docker-compose: the bind-mounted sources and the Dockerfile exist.
compose_path = os.path.join(DEPLOY, "docker-compose.yml")
for doc in docs.get(compose_path, []):
    for svc, spec in doc.get("services", {}).items():
        for vol in spec.get("volumes", []):
            src = vol.split(":")[0] if isinstance(vol, str) else vol.get("source", "")
            if src.startswith("."):
                path = os.path.normpath(os.path.join(DEPLOY, src))
                if not os.path.exists(path):
                    fail(f"docker-compose.yml {svc}: mount source {src} does not exist")
        build = spec.get("build")
        if isinstance(build, dict):
            ctx = os.path.normpath(os.path.join(DEPLOY, build.get("context", ".")))
            if not os.path.exists(os.path.join(ctx, build.get("dockerfile", "Dockerfile"))):
                fail(f"docker-compose.yml {svc}: Dockerfile not found")
    ok("docker-compose.yml: mounted files and Dockerfile exist")

# 6. Dockerfile: everything the build reads (build.rs, include_str!/include_bytes! files) is
#    copied into the builder and let through by the allow-list ignore file; else `docker build`
#    fails at compile time, which nothing here can run.
dockerfile = open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8").read()
copied = re.findall(r"^COPY\s+(?!--from)(.+?)\s+\S+\s*$", dockerfile, re.M)
copied = [p.rstrip("/") for line in copied for p in line.split()]
allowed = [l[1:].rstrip("/") for l in open(os.path.join(DEPLOY, "Dockerfile.dockerignore"), encoding="utf-8")
           .read().splitlines() if l.startswith("!")]
needed = ["build.rs"] if os.path.exists(os.path.join(ROOT, "build.rs")) else []
for dirpath, _, names in os.walk(os.path.join(ROOT, "src")):
    for name in names:
        if name.endswith(".rs"):
            path = os.path.join(dirpath, name)
            for inc in re.findall(r'include_(?:str|bytes)!\("([^"]+)"\)', open(path, encoding="utf-8").read()):
                needed.append(os.path.relpath(os.path.normpath(os.path.join(dirpath, inc)), ROOT))
covered = lambda path, roots: any(path == r or path.startswith(r + "/") for r in roots)
for path in sorted(set(needed)):
    if not covered(path, copied):
        fail(f"Dockerfile: the build reads {path} but no COPY brings it into the builder")
    if not covered(path, allowed):
        fail(f"Dockerfile.dockerignore: the build reads {path} but the ignore file keeps it out")
ok(f"Dockerfile: {len(set(needed))} files the build reads are copied and in the build context")

for w in warnings:
    print(f"warn  {w}")
if failures:
    print(f"check.py: {len(failures)} failure(s)")
    sys.exit(1)
