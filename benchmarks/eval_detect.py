#!/usr/bin/env python3
"""Score mlwarden's detection rules on a local labelled evaluation (issue 16).

The evaluation lives in ``benchmarks/.corpus/eval/`` (gitignored: it holds
other projects' test files and source code, which are never committed):

* ``third_party/<source>/*.py`` — test cases other projects wrote for their
  own rules (Trail of Bits and semgrep rules' test files, bandit's examples,
  ruff's flake8-bandit fixtures; see README there). semgrep-style files carry
  their own labels (``# ruleid: X`` / ``# ok: X`` above the labelled
  statement); the others are labelled in ``labels.json``;
* ``third_party/{codeql,sonar,dlint}/`` — the second, fresh third-party set
  (scored separately as ``third_party-2``; ``third_party/SOURCES-2.txt``
  names each file's repository, path and commit and how its annotations
  map to labels);
* ``third_party/{bearer,codeguru}/`` and ``third_party/{precli,scs}/`` —
  round s5's fresh sources, split by source before either was scored:
  ``third_party-3`` (development: scored once on the code before the
  round, then used to choose its fixes) and ``third_party-4`` (the final
  held-out set, scored once at the end); ``third_party/SOURCES-3.txt``;
* ``real-3/<package>/...`` — round s5's fresh real-code set (clearml-serving,
  lmdeploy serve/, xinference api/deploy/core, openllm, seldon-core,
  llama-cpp-python), labelled blind and scored once at the end
  (``real-3/SOURCES.txt``);
* ``third_party/{ansede,aigis,aisecscan,aegis}/`` and ``real-4/<sdist>/...``
  — round s6's final held-out sets (``third_party-5``: snippets from the
  tests of four SAST packages on PyPI; ``real-4``: cog, infinity-emb,
  langserve, truss), labelled (real-4 blind) and committed in
  ``benchmarks/heldout/`` before anything was scored, scored once at the end;
* ``third_party/codeaudit/`` and ``real-5/<sdist>/...`` — round s7's
  held-out sets (``third_party-6``: codeaudit's validation files;
  ``real-5``: ML serving / training-infra packages), labelled by reading
  and committed in ``benchmarks/heldout/`` before anything was scored;
* ``real-6/<package>/...`` — round s8's held-out real-code set (coqui-tts,
  gptcache, llama-stack, mlx-lm, nemoguardrails, autotrain-advanced,
  clearml-agent, litellm's proxy CLI), labelled blind and committed in
  ``benchmarks/heldout/`` before any rule changed, scored once at the end;
* ``real-7/<package>/...`` — round s9's held-out real-code set (deepspeed-mii,
  jina, rasa, skypilot, torchserve, vanna, zenml; wheels), labelled blind and
  committed in ``benchmarks/heldout/`` before any rule changed, scored once
  at the end;
* ``real-8/<package>/...`` — round s10's held-out real-code set (12
  serving, LLM-ops and agent packages: autogenstudio, chainlit,
  comfyui-manager, dstack, inference, langgraph-api, llm, lmcache, marimo,
  open-webui, swe-rex, vllm; ``benchmarks/heldout/real-8.SOURCES.txt``),
  committed in ``benchmarks/heldout/`` before any rule changed, scored once
  at the end;
* ``real-9/<package>/...`` — round s11's held-out real-code set (13
  serving, MLOps and agent packages: aim, camel-ai, chromadb, determined,
  flytekit, gpt-researcher, guildai, lightrag-hku, mlem, nni, polyaxon,
  promptflow-devkit, swarms; ``benchmarks/heldout/real-9.SOURCES.txt``),
  committed before any rule changed, scored once at the end;
* ``real-10/<package>/...`` — round s12's held-out real-code set (14
  serving, MLOps, agent and notebook-server packages: ag2, dagster,
  dagster-webserver, deepsparse, doccano, fiftyone, flwr, jupyterhub,
  modal, paddlex, phidata, ray, runhouse, swanlab;
  ``benchmarks/heldout/real-10.SOURCES.txt``), committed before any rule
  changed, scored once at the end (spent);
* ``real-11/<package>/...`` — round s13's held-out real-code set (15
  serving, MLOps, agent and installer packages: anomalib, arize-phoenix,
  autogen-ext, clearml-session, crewai, distributed, evidently, feast,
  langflow-base, langgraph-cli, metaflow, mlflow, mlrun, openhands-ai,
  prefect; ``benchmarks/heldout/real-11.SOURCES.txt``), committed before any
  rule changed, scored once at the end (spent);
* ``real-12/<package>/...`` — round s14's held-out real-code set (16
  serving, MLOps, distributed, agent-tooling and installer packages:
  bittensor, deeppavlov, fedml, huey, invokeai, lit-nlp, luigi, mage-ai,
  mlagents, nvflare, optuna-dashboard, paddlehub, paddlenlp, rq,
  super-gradients, towhee; ``benchmarks/heldout/real-12.SOURCES.txt``),
  committed before any rule changed, scored once at the end (spent);
* ``real-13/<package>/...`` — round s15's held-out real-code set (17
  serving, queue, distributed, converter, agent and installer packages:
  arq, ctranslate2, dgl, dramatiq, evalscope, langroid, leptonai, locust,
  metagpt, openfl, opyrator, pinferencia, tensorflow-addons, tensorpack,
  torchaudio, unsloth, unsloth-zoo;
  ``benchmarks/heldout/real-13.SOURCES.txt``), committed before any rule
  changed, scored once at the end (spent);
* ``real-14/<package>/...`` — round s16's held-out real-code set (18
  model-zoo, dataset, serving, speech and installer packages: allennlp,
  cornac, deepchem, espnet, funasr, kedro-datasets, nerfstudio, netron, ogb,
  OpenNMT-py, paddlespeech, superduper-framework, tensorflow-hub,
  torch-geometric, torchtext, torchx, visualdl, whisper-live;
  ``benchmarks/heldout/real-14.SOURCES.txt``), committed before any rule
  changed, scored once at the end (spent);
* ``real-15/<package>/...`` — round s17's held-out real-code set (24
  serving, installer, queue, time-series and medical-imaging packages:
  autodistill, bert-serving-server, celery, clearml, darts, deepface, flower,
  h2o-wave, IOPaint, imaginAIry, kombu, label-studio, lazyllm, lollms,
  mlx-vlm, monailabel, nnunetv2, piper-tts, potassium, realtimestt, rembg,
  runpod, spacy, txtai; ``benchmarks/heldout/real-15.SOURCES.txt``),
  committed before any rule changed, scored once at the end (spent);
* ``real-16/<package>/...`` — round s18's held-out real-code set (16
  serving, OCR / speech / geospatial-ML, installer and LLM-app packages:
  clip-retrieval, easyocr, embedchain, f5-tts, g4f, gluoncv, khoj, leafmap,
  mindsdb, mineru, modelscope-agent, nicegui, parlai, reflex,
  segment-geospatial, supervisely; ``benchmarks/heldout/real-16.SOURCES.txt``),
  committed before any rule changed, scored once at the end (spent);
* ``real-17/<package>/...`` — round s19's held-out real-code set (17
  speech / vision servers, installers, app frameworks and agents:
  audio-separator, boxmot, briefcase, geoai-py, lama-cleaner,
  lida, lidar, marker-pdf, mesop, mitosheet, mlx-omni-server, openrlhf,
  silero-api-server, thonny, vox-box, wyoming, xtts-api-server;
  ``benchmarks/heldout/real-17.SOURCES.txt``), committed before any rule
  changed, scored once at the end (spent);
* ``real-18/<package>/...`` — round s20's held-out real-code set (18
  installers, build tools, plugin managers, app servers and ML apps:
  buildozer, cibuildwheel, errbot, esphome, evadb, farm-haystack, hatch,
  jupyter-repo2docker, langchain-chatchat, nougat-ocr, octoprint, olmocr,
  pipenv, platformio, python-for-android, rasa-sdk, swebench,
  wyoming-faster-whisper; ``benchmarks/heldout/real-18.SOURCES.txt``),
  committed before any rule changed, scored once at the end (spent);
* ``real-19/<package>/...`` — round s21's held-out real-code set (14
  installer, benchmark, build-tool, ML-library and cloud-SDK packages: asv,
  autogluon.common, autogluon.multimodal, controlnet-aux, fal,
  google-cloud-aiplatform, kaggle, meltano, pex, pip-audit, pipupgrade,
  pyannote-audio, pybuilder, torchruntime; pip and deserialization only;
  ``benchmarks/heldout/real-19.SOURCES.txt``), committed before any rule
  changed, scored once at the end (not in the default ``--sets``);
* ``real-2/<sdist>/...`` — the second, fresh real-code set (bentoml,
  kserve, langchain-experimental, mlserver, mmengine, openmim), labelled
  blind and scored separately as ``real-2``;
* ``real/<sdist>/...`` — real ML code (sdists from PyPI, unpacked), labelled
  by hand in ``labels.json``: every candidate line (found with
  ``candidates``) gets a verdict.

``labels.json`` maps ``"relative/path.py:LINE"`` to ``[category, verdict]``
with verdict ``"pos"`` (a finding belongs there), ``"neg"`` (none must be
there) or ``"n/a"`` (not a detection target, e.g. ``pickle.dumps``).

``benchmarks/eval_detect_labels.json`` (committed) holds the reviewed
corrections, each with its reason: a label on the wrong line, or a
third-party ``ok`` that our documented policy reports (a literal path names
a file the code did not write). ``null`` removes a label. ``score
--as-labelled`` scores without them, as the sources labelled. The results
and their history are in ``benchmarks/DETECT.md``.

    python benchmarks/eval_detect.py score                  # this checkout
    python benchmarks/eval_detect.py score --src OLD/src    # another version (before/after)
    python benchmarks/eval_detect.py score --sets third_party-3   # one set alone (held-out sets: once)
    python benchmarks/eval_detect.py candidates real/x      # lines to label
    python benchmarks/eval_detect.py corpus-diff --before OLD/src PATHS...  # findings lost/gained

A label matches a finding of a rule in the label's category whose line lies
within the labelled statement (its first line to its last, as ``ast`` sees
it). Scores are per category: precision, recall, F1; "family" sums the
deserialization categories. Findings of every severity count.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
EVAL = HERE / ".corpus" / "eval"

#: rule id -> category
CATEGORY = {
    "MLW101": "pickle",
    "MLW102": "torch",
    "MLW103": "joblib",
    "MLW104": "pandas",
    "MLW105": "numpy",
    "MLW106": "yaml",
    "MLW107": "torch",
    "MLW108": "keras",
    "MLW109": "langchain-deser",
    "MLW110": "distributed",
    "MLW111": "native",
    "MLW112": "marshal",
    "MLW113": "shelve",
    "MLW114": "jsonpickle",
    "MLW115": "skops",
    "MLW116": "torch-package",
    "MLW117": "msgpack",
    "MLW118": "datasets",
    "MLW119": "tensorflow",
    "MLW120": "torch",
    "MLW209": "llm",
    "MLW211": "llm",
    "MLW212": "llm",
    "MLW210": "archive",
    "MLW701": "serving",
    "MLW702": "serving",
    "MLW707": "serving",
    "MLW301": "pip",
    "MLW302": "pip",
    "MLW303": "pip",
    "MLW304": "pip",
    "MLW305": "pip",
    "MLW306": "pip",
}
FAMILY = {"pickle", "torch", "joblib", "pandas", "numpy", "yaml", "keras", "distributed", "marshal", "shelve", "jsonpickle", "skops", "torch-package", "msgpack", "datasets", "native", "archive", "tensorflow"}

#: third-party rule names -> category (semgrep-style annotations)
SOURCE_RULES = [
    (r"msgpack", "msgpack"),
    (r"package", "torch-package"),
    (r"tarfile", "archive"),
    (r"distributed", "distributed"),
    (r"pytorch|torch-load", "torch"),
    (r"keras", "keras"),
    (r"numpy-load-library|load-library|load-op-library|classes-load|f2py|onnx-session", "native"),
    (r"tensorflow|saved-model", "tensorflow"),
    (r"numpy", "numpy"),
    (r"pandas", "pandas"),
    (r"joblib|sklearn", "joblib"),
    (r"pyyaml|yaml", "yaml"),
    (r"jsonpickle", "jsonpickle"),
    (r"marshal", "marshal"),
    (r"shelve", "shelve"),
    (r"pickle|dill", "pickle"),
]
ANNOTATION = re.compile(r"#\s*(ruleid|ok|rule-id)\s*:?\s*([\w.-]*)")
#: labelled statements that write or import, not load: not detection targets
NOT_A_LOAD = re.compile(r"^\s*(import |from |.*\b(dumps?|save|to_pickle|packb?|someokfunc)\()")

RUNNER = r"""
import json, sys
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
config = Config(select=[r.id for r in all_rules()], severity=Severity.LOW)
results, _ = check_paths(sys.argv[1:], config)
out = [{"path": f.path, "line": f.line, "rule": f.rule_id, "severity": f.severity.name} for r in results for f in r.findings]
errors = [e for r in results for e in r.errors]
json.dump({"findings": out, "errors": errors}, sys.stdout)
"""


def run_mlwarden(src: Path, paths: List[Path]) -> Dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run([sys.executable, "-I", "-c", RUNNER.replace("import json, sys", f"import json, sys\nsys.path.insert(0, {str(src)!r})"), *map(str, paths)],
                          capture_output=True, text=True, env=env, cwd=EVAL, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout)


def statement_spans(path: Path) -> Dict[int, Tuple[int, int]]:
    """First line -> (first, last) of every statement in the file; an
    assignment's span runs to the end of the statement after it (semgrep's
    two-statement patterns, ``tar = tarfile.open(p)`` / ``tar.extractall()``,
    are labelled on the first)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return {}
    spans: Dict[int, Tuple[int, int]] = {}
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                if not isinstance(stmt, ast.stmt):
                    continue
                first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
                last = stmt.end_lineno or stmt.lineno
                if isinstance(stmt, ast.Assign) and i + 1 < len(block):
                    last = block[i + 1].end_lineno or last
                spans.setdefault(first, (first, last))
                spans.setdefault(stmt.lineno, (stmt.lineno, last))
    return spans


def statement_end(path: Path, first: int, last: int) -> int:
    """The last line of the statement starting at ``first`` (without the
    two-statement extension of :func:`statement_spans`)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return last
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == first:
            return node.end_lineno or first
    return last


def category_of(rule: str) -> str:
    for pattern, category in SOURCE_RULES:
        if re.search(pattern, rule, re.I):
            return category
    return "other"


def annotated_labels(path: Path, rel: str) -> Dict[str, Tuple[str, str]]:
    labels = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, text in enumerate(lines):
        match = ANNOTATION.search(text)
        if not match or text.strip()[0] != "#":
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].strip().startswith("#")):
            j += 1
        if j >= len(lines):
            continue
        verdict = "neg" if match.group(1) == "ok" else "pos"
        category = category_of(match.group(2) or path.stem)
        if verdict == "pos" and NOT_A_LOAD.match(lines[j]):
            verdict = "n/a"
        labels[f"{rel}:{j + 1}"] = (category, verdict)
    return labels


CORRECTIONS = HERE / "eval_detect_labels.json"

#: third-party sources added after the first round's fixes (scored as their own
#: held-out set, "third_party-2"); real code under ``real-2/`` is "real-2"
SECOND_SOURCES = {"codeql", "sonar", "dlint"}
#: round s5's fresh sources, split by source before either was scored:
#: "third_party-3" chose the round's fixes, "third_party-4" is the final
#: held-out set (``third_party/SOURCES-3.txt``)
THIRD_SOURCES = {"bearer", "codeguru"}
FOURTH_SOURCES = {"precli", "scs"}
#: round s6's held-out sources (``third_party/SOURCES-5.txt``), labelled and
#: committed (``benchmarks/heldout/``) before anything was scored
FIFTH_SOURCES = {"ansede", "aigis", "aisecscan", "aegis"}
#: round s7's held-out third-party slice (``benchmarks/heldout/third_party-6.SOURCES.txt``)
SIXTH_SOURCES = {"codeaudit"}
SETS = ("third_party", "third_party-2", "third_party-3", "third_party-4", "third_party-5", "third_party-6", "real", "real-2", "real-3", "real-4", "real-5", "real-6", "real-7", "real-8", "real-9", "real-10", "real-11", "real-12", "real-13", "real-14", "real-15", "real-16", "real-17", "real-18", "real-19", "real-19s", "real-19L", "real-20", "real-20s", "real-20L")
#: held-out sets not scored yet: left out of the default ``--sets`` so that no
#: development run scores them by accident (name them to score them, once)
UNSPENT = ("real-20", "real-20s", "real-20L")


def set_of(rel: str) -> str:
    """The evaluation set a labelled path belongs to."""
    parts = rel.split("/")
    if parts[0] == "third_party" and len(parts) > 2:
        for name, sources in (("third_party-2", SECOND_SOURCES), ("third_party-3", THIRD_SOURCES), ("third_party-4", FOURTH_SOURCES), ("third_party-5", FIFTH_SOURCES), ("third_party-6", SIXTH_SOURCES)):
            if parts[1] in sources:
                return name
    return parts[0]


def all_labels(corrections: bool = True) -> Dict[str, Tuple[str, str]]:
    labels: Dict[str, Tuple[str, str]] = {}
    for path in sorted((EVAL / "third_party").rglob("*.py")):
        rel = str(path.relative_to(EVAL))
        if ANNOTATION.search(path.read_text(encoding="utf-8")):
            labels.update(annotated_labels(path, rel))
    manual = EVAL / "labels.json"
    if manual.exists():
        for key, (category, verdict) in json.loads(manual.read_text(encoding="utf-8")).items():
            labels[key] = (category, verdict)
    # the held-out real sets' committed labels (the corpus copy of labels.json
    # may predate them)
    for held in sorted((HERE / "heldout").glob("real-*.labels.json")):
        for key, (category, verdict) in json.loads(held.read_text(encoding="utf-8")).items():
            labels[key] = (category, verdict)
    if corrections:
        for key, entry in json.loads(CORRECTIONS.read_text(encoding="utf-8")).items():
            if key.startswith("_"):
                continue
            if entry["label"] is None:
                labels.pop(key, None)
            else:
                labels[key] = tuple(entry["label"])
    return labels


RANK = {"LOW": 0, "MEDIUM": 1, "HIGH": 2, "CRITICAL": 3}


def score(src: Path, severity: str = "LOW", corrections: bool = True, sets=SETS) -> Dict[str, Dict[str, int]]:
    labels = {k: v for k, v in all_labels(corrections).items() if set_of(k.rsplit(":", 1)[0]) in sets}
    files = sorted({key.rsplit(":", 1)[0] for key in labels})
    data = run_mlwarden(src, [EVAL / f for f in files])
    found = defaultdict(set)  # (path, category) -> lines
    for f in data["findings"]:
        if RANK[f["severity"]] < RANK[severity]:
            continue
        rel = os.path.relpath(f["path"], EVAL) if os.path.isabs(f["path"]) else f["path"]
        found[(rel, CATEGORY.get(f["rule"], "other"))].add(f["line"])
    spans = {f: statement_spans(EVAL / f) for f in files}
    counts: Dict[str, Dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    misses = []
    for key, (category, verdict) in sorted(labels.items()):
        if verdict == "n/a":
            continue
        rel, line = key.rsplit(":", 1)
        first, last = spans[rel].get(int(line), (int(line), int(line)))
        if verdict == "neg":  # an ok label covers its own statement only
            first, last = first, statement_end(EVAL / rel, first, last)
        hit = any(first <= l <= last for l in found[(rel, category)])
        c = counts[(set_of(rel), category)]
        if verdict == "pos":
            c["tp" if hit else "fn"] += 1
            if not hit:
                misses.append(f"FN {key} {category}")
        else:
            c["fp" if hit else "tn"] += 1
            if hit:
                misses.append(f"FP {key} {category}")
    counts["_misses"] = misses  # type: ignore[assignment]
    counts["_errors"] = data["errors"]  # type: ignore[assignment]
    return counts


def prf(c: Dict[str, int]) -> Tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(counts, groups) -> str:
    rows = ["| set | category | TP | FP | FN | TN | P | R | F1 |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for group_name, group in groups:
        total = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for category in sorted(group, key=str):
            c = counts.get(category)
            if not c:
                continue
            for k in total:
                total[k] += c[k]
            p, r, f = prf(c)
            rows.append(f"| {group_name} | {category[1]} | {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} | {p:.2f} | {r:.2f} | {f:.2f} |")
        p, r, f = prf(total)
        rows.append(f"| {group_name} | **all** | {total['tp']} | {total['fp']} | {total['fn']} | {total['tn']} | {p:.2f} | {r:.2f} | {f:.2f} |")
    return "\n".join(rows)


def candidates(root: Path) -> None:
    """Lines worth labelling in real code: loads, servers, pip in code, exec."""
    pattern = re.compile(
        r"pickle\.|\bdill\.|joblib\.load|torch\.load|np\.load|numpy\.load|read_pickle|yaml\.(?:unsafe_|full_)?load|load_model\(|"
        r"marshal\.load|shelve\.open|jsonpickle|extractall|unpack_archive|\.run\(.*host|uvicorn\.run|launch\(|run_app|"
        r"pip.{0,40}install|\bexec\(|\beval\(|os\.system|load_library|PackageImporter|msgpack|saved_model\.load|TFSMLayer|read_array|load_state_dict_from_url|"
        r"add_insecure_port|uvicorn\.Config|0\.0\.0\.0|\[::\]|allow_dangerous|REPL(?:Tool)?\("
    )
    for path in sorted((EVAL / root).rglob("*.py")):
        for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if pattern.search(line) and not line.strip().startswith("#"):
                print(f"{path.relative_to(EVAL)}:{i}: {line.strip()[:140]}")


def corpus_findings(src: Path, paths: List[Path]) -> List[Tuple[str, int, str, str]]:
    """Every MLW1xx/2xx/3xx/7xx finding (path, line, rule, severity) on
    ``paths`` with the mlwarden of ``src``: the before/after check that no
    true finding is lost."""
    data = run_mlwarden(src, [p.resolve() for p in paths])
    return sorted({(os.path.relpath(f["path"], EVAL.parent) if os.path.isabs(f["path"]) else f["path"], f["line"], f["rule"], f["severity"])
                   for f in data["findings"] if f["rule"][3] in "1237"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--src", type=Path, default=HERE.parent / "src")
    s.add_argument("--misses", action="store_true")
    s.add_argument("--severity", default="low", help="lowest severity that counts (low: every finding; medium: the default report)")
    s.add_argument("--as-labelled", action="store_true", help="ignore the reviewed corrections in eval_detect_labels.json")
    s.add_argument("--sets", default=",".join(x for x in SETS if x not in UNSPENT), help="comma-separated sets to score (a held-out set is scored alone, once)")
    c = sub.add_parser("candidates")
    c.add_argument("root", type=Path)
    d = sub.add_parser("corpus-diff", help="MLW1xx/2xx/3xx/7xx findings lost and gained between two versions on a corpus")
    d.add_argument("--before", type=Path, required=True, help="src/ of the version before")
    d.add_argument("--after", type=Path, default=HERE.parent / "src")
    d.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.cmd == "candidates":
        candidates(args.root)
        return 0
    if args.cmd == "corpus-diff":
        before = set(corpus_findings(args.before.resolve(), args.paths))
        after = set(corpus_findings(args.after.resolve(), args.paths))
        print(f"{len(before)} findings before, {len(after)} after")
        for row in sorted(before - after):
            print("lost ", *row)
        for row in sorted(after - before):
            print("new  ", *row)
        return 1 if before - after else 0
    sets = tuple(args.sets.split(","))
    unknown = set(sets) - set(SETS)
    if unknown:
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}; known: {', '.join(SETS)}")
    counts = score(args.src.resolve(), args.severity.upper(), corrections=not args.as_labelled, sets=sets)
    keys = {k for k in counts if isinstance(k, tuple)}
    groups = []
    for where in sets:
        mine = {k for k in keys if k[0] == where}
        groups.append((f"{where} family", {k for k in mine if k[1] in FAMILY}))
        for k in sorted(mine - {k for k in mine if k[1] in FAMILY}):
            groups.append((f"{where} {k[1]}", {k}))
    print(report(counts, groups))
    if counts["_errors"]:
        print("\nerrors:", *counts["_errors"], sep="\n  ")
    if args.misses:
        print("\n" + "\n".join(counts["_misses"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
