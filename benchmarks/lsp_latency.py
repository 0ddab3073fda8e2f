#!/usr/bin/env python3
"""Latency of ``mlwarden server``: time from ``didChange`` to the
``publishDiagnostics`` for that version, as an editor sees it.

    pip install -e ".[server]"
    python benchmarks/lsp_latency.py                       # prints a Markdown table
    python benchmarks/lsp_latency.py --output benchmarks/RESULTS.md

Two generated documents, written to a temporary directory (nothing is
downloaded): a 2,000-line ML training script (argument parsing, datasets,
models, a training loop, checkpointing, hub downloads; a few findings, as in
real code) and a 50-cell notebook of the same kind (markdown and code cells,
magics). The real server runs as a subprocess behind pygls' LSP client; each
measured edit is one incremental change of one line (typing a digit), sent
after the previous edit's diagnostics arrived: in a dataclass field of the
script (no rule fires there), in a call inside a function where rules fire
(a copy of the script, ``train_loop.py``: the server judges that function
again on every edit), and in a notebook cell. The first edits warm up and are
not counted.

Reported per document: median and p95 of the end-to-end latency (with the
server's default debounce, which is part of what a user waits for) and of the
engine's own check time (the server's ``--verbose`` log), and the finding
count. With ``--output`` the section between the ``lsp-latency`` markers of
that file is replaced (or appended with its heading). Numbers are never
asserted by the test suite (``tests/test_server_latency.py`` runs a tiny
version to keep the script working).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

START, END = "<!-- lsp-latency:start -->", "<!-- lsp-latency:end -->"
HEADING = "## Language server latency"

# ---------------------------------------------------------------------------
# realistic documents

HEADER = '''"""Fine-tune a causal language model on instruction data."""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from datasets import load_dataset
from torch.utils.data import DataLoader, Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, get_cosine_schedule_with_warmup

logger = logging.getLogger(__name__)
BASE_MODEL = "acme-research/base-7b"
BASE_REVISION = "3f5a1c9e0b7d4a2f8e6c1b0a9d8e7f6a5b4c3d2e"
'''

BLOCK = '''

@dataclass
class Config{n}:
    learning_rate: float = 3e-4
    batch_size: int = 16
    epochs: int = 3
    warmup_steps: int = 100
    max_length: int = 1024
    seed: int = {n}
    output_dir: str = "runs/exp{n}"
    tags: list = field(default_factory=list)


def load_config_{n}(path: str) -> Config{n}:
    with open(path) as handle:
        raw = yaml.safe_load(handle)
    return Config{n}(**raw.get("train", {{}}))


class InstructionDataset{n}(Dataset):
    def __init__(self, records, tokenizer, max_length: int = 1024):
        self.records = list(records)
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int):
        record = self.records[index]
        prompt = record["instruction"] + "\\n\\n" + record.get("input", "")
        encoded = self.tokenizer(prompt, record["output"], truncation=True, max_length=self.max_length)
        return {{key: torch.tensor(value) for key, value in encoded.items()}}


class Adapter{n}(nn.Module):
    def __init__(self, hidden: int, rank: int = 8, alpha: float = 16.0):
        super().__init__()
        self.down = nn.Linear(hidden, rank, bias=False)
        self.up = nn.Linear(rank, hidden, bias=False)
        self.scale = alpha / rank
        nn.init.zeros_(self.up.weight)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return hidden_states + self.up(self.down(hidden_states)) * self.scale


def collate_{n}(batch, pad_id: int):
    longest = max(item["input_ids"].shape[0] for item in batch)
    input_ids = torch.full((len(batch), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, item in enumerate(batch):
        length = item["input_ids"].shape[0]
        input_ids[row, :length] = item["input_ids"]
        mask[row, :length] = 1
    return {{"input_ids": input_ids, "attention_mask": mask, "labels": input_ids.clone()}}


def evaluate_{n}(model, loader, device) -> float:
    model.eval()
    losses = []
    with torch.no_grad():
        for batch in loader:
            batch = {{k: v.to(device) for k, v in batch.items()}}
            losses.append(model(**batch).loss.item())
    model.train()
    return math.exp(float(np.mean(losses))) if losses else float("inf")


def train_{n}(config: Config{n}, device: str = "cuda") -> None:
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL, revision=BASE_REVISION)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, revision=BASE_REVISION, torch_dtype=torch.bfloat16)
    data = load_dataset("acme-research/instructions", split="train", revision=BASE_REVISION)
    dataset = InstructionDataset{n}(data, tokenizer, config.max_length)
    loader = DataLoader(dataset, batch_size=config.batch_size, shuffle=True, collate_fn=lambda b: collate_{n}(b, tokenizer.pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    total = config.epochs * len(loader)
    scheduler = get_cosine_schedule_with_warmup(optimizer, config.warmup_steps, total)
    model.to(device)
    for epoch in range(config.epochs):
        for step, batch in enumerate(loader):
            batch = {{k: v.to(device) for k, v in batch.items()}}
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            if step % 50 == 0:
                logger.info("epoch %d step %d loss %.4f", epoch, step, loss.item())
        out = Path(config.output_dir) / f"epoch-{{epoch}}"
        out.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), out / "model.pt")
        json.dump({{"epoch": epoch, "seed": config.seed}}, open(out / "meta.json", "w"))


def resume_{n}(model, path: str):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model
'''

FINDINGS = '''

def legacy_resume(path):
    # an old checkpoint format: flagged (MLW102)
    return torch.load(path)


def legacy_config(path):
    return yaml.load(open(path))  # flagged (MLW106)
'''

FOOTER = '''

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="train.yaml")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    config = load_config_0(args.config)
    train_0(config, args.device)


if __name__ == "__main__":
    main()
'''


def training_script(lines: int) -> str:
    parts = [HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) + FOOTER.count("\n") + FINDINGS.count("\n") < lines:
        parts.append(BLOCK.format(n=n))
        n += 1
        if n == 3:
            parts.append(FINDINGS)
    parts.append(FOOTER)
    return "".join(parts)


def notebook_cells(count: int) -> List[Tuple[str, str]]:
    """(cell_type, source) of a fine-tuning notebook with ``count`` cells."""
    body = BLOCK.split("\n\n\n")
    cells: List[Tuple[str, str]] = [
        ("markdown", "# Fine-tuning walkthrough\n\nLoad the data, train adapters, evaluate."),
        ("code", "%pip install transformers==4.46.3 datasets==3.1.0\n" + HEADER.split('"""\n\n', 1)[1]),
    ]
    n = 0
    while len(cells) < count - 1:
        if len(cells) % 5 == 2:
            cells.append(("markdown", f"## Step {len(cells)}\n\nWhat this step does and why."))
            continue
        chunk = body[n % len(body)].strip("\n")
        cells.append(("code", chunk.format(n=n // len(body)) if "{n}" in chunk else chunk))
        n += 1
        if len(cells) == 12:
            cells.append(("code", FINDINGS.strip("\n")))
    cells.append(("code", "resume_0(model, 'runs/exp0/epoch-2/model.pt')\nprint(evaluate_0(model, loader, 'cuda'))"))
    return cells[:count]


# ---------------------------------------------------------------------------
# the client


class Session:
    def __init__(self, root: Path, server: List[str]) -> None:
        from lsprotocol import types
        from pygls.lsp.client import LanguageClient

        self.types = types
        self.root = root
        self.server = server
        self.client = LanguageClient("mlwarden-latency", "1")
        self.published: Dict[Tuple[str, Optional[int]], float] = {}
        self.counts: Dict[str, int] = {}
        self.checks: List[Tuple[str, float]] = []
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(ls, params):
            self.published[(params.uri, params.version)] = time.perf_counter()
            self.counts[params.uri] = len(params.diagnostics)
            self.event.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(ls, params):
            match = re.match(r"checked (\S+) \(version \d+\) in (\d+) ms \(cpu (\d+) ms\)", params.message)
            if match:
                self.checks.append((match.group(1), float(match.group(2)), float(match.group(3))))

    async def start(self) -> None:
        t = self.types
        await self.client.start_io(*self.server)
        await self.client.initialize_async(
            t.InitializeParams(
                process_id=os.getpid(),
                root_uri=self.root.as_uri(),
                capabilities=t.ClientCapabilities(
                    notebook_document=t.NotebookDocumentClientCapabilities(synchronization=t.NotebookDocumentSyncClientCapabilities()),
                    text_document=t.TextDocumentClientCapabilities(publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True)),
                ),
            )
        )
        self.client.initialized(t.InitializedParams())

    async def wait(self, uri: str, version: Optional[int], timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.published:
            self.event.clear()
            if (uri, version) in self.published:
                break
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.published[(uri, version)]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def edit(self, uri: str, version: int, line: int, old: str, new: str):
        t = self.types
        return t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(line=line, character=0), end=t.Position(line=line, character=len(old))), text=new
                )
            ],
        )


#: where the typing happens: a number in a dataclass field (a statement no
#: rule fires in), or in a call inside a function rules fire in (the
#: language server judges that function again on every edit)
EDIT_LINES = {"field": r"= \d+$", "call": r"clip_grad_norm_\(.*\d\.\d\)$"}


def _edit_line(lines: List[str], where: str = "field") -> int:
    """A line in the middle of the document whose number we can retype."""
    middle = len(lines) // 2
    for offset in range(len(lines)):
        for index in (middle + offset, middle - offset):
            if 0 <= index < len(lines) and re.search(EDIT_LINES[where], lines[index]):
                return index
    return middle


def _retype(line: str, step: int) -> str:
    if re.search(r"\d+$", line):
        return re.sub(r"\d+$", str(100 + step), line)
    if re.search(r"\d\.\d\)$", line):
        return re.sub(r"\d+\.\d+\)$", f"{1 + step}.0)", line)
    return line + " " * (step % 2)


async def _typing(session: Session, uri: str, lines: List[str], send, edits: int, warmup: int, where: str = "field") -> List[float]:
    """Retype a number on one line, edit after edit; each edit is sent once
    the previous one's diagnostics arrived. Milliseconds per measured edit."""
    index = _edit_line(lines, where)
    current = lines[index]
    latencies = []
    for step in range(warmup + edits):
        version = step + 2
        new = _retype(current, step)
        sent = time.perf_counter()
        send(version, index, current, new)
        arrived = await session.wait(uri, version)
        current = new
        if step >= warmup:
            latencies.append((arrived - sent) * 1000)
    return latencies


async def measure_script(session: Session, path: Path, edits: int, warmup: int, where: str = "field") -> Dict[str, object]:
    t = session.types
    text = path.read_text()
    uri = path.as_uri()
    opened = time.perf_counter()
    session.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    first = await session.wait(uri, 1) - opened
    lines = text.split("\n")

    def send(version: int, index: int, old: str, new: str) -> None:
        session.client.text_document_did_change(session.edit(uri, version, index, old, new))

    latencies = await _typing(session, uri, lines, send, edits, warmup, where)
    checks = [(ms, cpu) for u, ms, cpu in session.checks if u == uri][-edits:]
    document = f"{path.name} ({len(lines)} lines)" + (", typing in a flagged function" if where == "call" else "")
    return {"document": document, "open_ms": first * 1000, "latencies": latencies, "checks": checks, "findings": session.counts.get(uri, 0)}


async def measure_notebook(session: Session, path: Path, cells: List[Tuple[str, str]], edits: int, warmup: int) -> Dict[str, object]:
    t = session.types
    uris = [f"vscode-notebook-cell:{path.as_posix()}#W{i}" for i in range(len(cells))]
    opened = time.perf_counter()
    session.client.notebook_document_did_open(
        t.DidOpenNotebookDocumentParams(
            notebook_document=t.NotebookDocument(
                uri=path.as_uri(), notebook_type="jupyter-notebook", version=1,
                cells=[t.NotebookCell(kind=t.NotebookCellKind.Markup if k == "markdown" else t.NotebookCellKind.Code, document=u) for (k, _s), u in zip(cells, uris)],
            ),
            cell_text_documents=[
                t.TextDocumentItem(uri=u, language_id="markdown" if k == "markdown" else "python", version=1, text=s) for (k, s), u in zip(cells, uris)
            ],
        )
    )
    for uri in uris:
        await session.wait(uri, 1)
    first = time.perf_counter() - opened
    code_cells = [i for i, (kind, _s) in enumerate(cells) if kind == "code"]
    target = next((i for i in code_cells if i >= len(cells) // 2 and re.search(r"= \d+$", cells[i][1], re.M)), code_cells[-1])
    lines = cells[target][1].split("\n")

    def send(version: int, index: int, old: str, new: str) -> None:
        change = session.edit(uris[target], version, index, old, new)
        session.client.notebook_document_did_change(
            t.DidChangeNotebookDocumentParams(
                notebook_document=t.VersionedNotebookDocumentIdentifier(uri=path.as_uri(), version=version),
                change=t.NotebookDocumentChangeEvent(
                    cells=t.NotebookDocumentCellChanges(
                        text_content=[t.NotebookDocumentCellContentChanges(document=change.text_document, changes=change.content_changes)]
                    )
                ),
            )
        )

    latencies = await _typing(session, uris[target], lines, send, edits, warmup)
    checks = [(ms, cpu) for u, ms, cpu in session.checks if u == path.as_uri()][-edits:]
    findings = sum(session.counts.get(u, 0) for u in uris)
    code = sum(1 for k, _s in cells if k == "code")
    return {"document": f"{path.name} ({len(cells)} cells, {code} code)", "open_ms": first * 1000, "latencies": latencies, "checks": checks, "findings": findings}


def p95(values: List[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]


def table(results: List[Dict[str, object]], args: argparse.Namespace) -> str:
    from mlwarden import __version__

    rows = [
        "| document | edits | didChange → publishDiagnostics median | p95 | engine check median (wall / cpu) | p95 (wall / cpu) | first open | diagnostics |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lat = r["latencies"]
        wall = [w for w, _c in r["checks"]] or [float("nan")]
        cpu = [c for _w, c in r["checks"]] or [float("nan")]
        rows.append(
            f"| {r['document']} | {len(lat)} | {statistics.median(lat):.0f} ms | {p95(lat):.0f} ms | "
            f"{statistics.median(wall):.0f} / {statistics.median(cpu):.0f} ms | {p95(wall):.0f} / {p95(cpu):.0f} ms | "
            f"{r['open_ms']:.0f} ms | {r['findings']} |"
        )
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cmd = f"python benchmarks/lsp_latency.py --edits {args.edits} --warmup {args.warmup} --lines {args.lines} --cells {args.cells}"
    return "\n".join(
        [
            f"mlwarden {__version__}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"load average {load:.1f} at start, {when}; `{cmd}`; debounce {args.debounce if args.debounce is not None else 'default'}.",
            "",
            *rows,
        ]
    )


def write_section(path: Path, body: str) -> None:
    text = path.read_text() if path.exists() else ""
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    path.write_text(text)


async def run(args: argparse.Namespace) -> str:
    server = [sys.executable, "-I", "-m", "mlwarden", "server", "--verbose"]
    if args.debounce is not None:
        server += ["--debounce", str(args.debounce)]
    with tempfile.TemporaryDirectory(prefix="mlwarden-lsp-latency-") as tmp:
        root = Path(tmp)
        (root / "requirements.txt").write_text("torch==2.5.1\ntransformers==4.46.3\ndatasets==3.1.0\n")
        script = root / "train.py"
        script.write_text(training_script(args.lines))
        (root / "train_loop.py").write_text(training_script(args.lines))
        cells = notebook_cells(args.cells)
        notebook = root / "finetune.ipynb"
        notebook.write_text(json.dumps({
            "cells": [
                {"cell_type": k, "metadata": {}, "source": s, **({"outputs": [], "execution_count": None} if k == "code" else {})}
                for k, s in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5,
        }, indent=1))
        session = Session(root, server)
        await session.start()
        await asyncio.sleep(args.settle)  # let the server's warm-up finish, as an editor idles before the first edit
        results = [
            await measure_script(session, script, args.edits, args.warmup),
            await measure_script(session, root / "train_loop.py", args.edits, args.warmup, "call"),
            await measure_notebook(session, notebook, cells, args.edits, args.warmup),
        ]
        await session.stop()
    return table(results, args)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40, help="measured edits per document (default: 40)")
    parser.add_argument("--warmup", type=int, default=5, help="edits before measuring (default: 5)")
    parser.add_argument("--lines", type=int, default=2000, help="lines of the training script (default: 2000)")
    parser.add_argument("--cells", type=int, default=50, help="cells of the notebook (default: 50)")
    parser.add_argument("--debounce", type=float, default=None, metavar="MS", help="the server's --debounce (default: its own)")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait after initialize (default: 2)")
    parser.add_argument("--output", type=Path, help="replace the lsp-latency section of this Markdown file (e.g. benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    body = asyncio.run(run(args))
    print(body)
    if args.output:
        write_section(args.output, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
