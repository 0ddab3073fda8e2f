"""Write fixtures/demo/notebook.ipynb, the demo project's exploration notebook.

    python scripts/build_demo_notebook.py

A realistic notebook with the mistakes people make in one: an unpinned
`%pip install`, a checkpoint loaded with `torch.load`, a pickled data cache,
and a Hugging Face token printed into a saved output while "checking the
login". The token is synthetic (built below from a FAKE marker, never a real
credential). Flagged code lines carry `# error: MLWnnn`; the output finding is
listed in fixtures/demo/notebook.findings.txt (outputs cannot hold comments).
tests/test_demo.py checks both, and tests/golden/demo.txt holds the output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "fixtures" / "demo" / "notebook.ipynb"

#: synthetic, shaped like a Hugging Face user token (hf_ + 34 letters/digits)
FAKE_TOKEN = "hf_" + ("FAKEdemo" + "Zq7Xw3Vt9Rs5Pn1Lk8Jh6Gf4Dc2")[:34]


def build() -> nbformat.NotebookNode:
    nb = new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        }
    )
    cells = [
        new_markdown_cell("# Explore the sentiment model\n\nA quick look at the prepared reviews and the fine-tuned head before serving it."),
        new_code_cell("%pip install -q transformers datasets==2.19.0  # error: MLW301"),
        new_code_cell("import os\n\nimport pandas as pd\nimport torch\nfrom transformers import AutoTokenizer"),
        new_code_cell('# the weights train.py saved\nstate = torch.load("checkpoints/last.pt")  # error: MLW102\nsorted(state)[:3]'),
        new_code_cell('reviews = pd.read_pickle("data/reviews.pkl")  # error: MLW104\nreviews.head(3)'),
        new_markdown_cell("Check that the Hub login works before pushing."),
        new_code_cell('token = os.environ["HF_TOKEN"]\nprint("logged in with", token)'),
        new_code_cell('tokenizer = AutoTokenizer.from_pretrained("distilbert-base-uncased", revision="main")  # error: MLW202\ntokenizer("great movie")'),
    ]
    outputs = {
        3: [new_output("execute_result", data={"text/plain": "['classifier.bias', 'classifier.weight', 'distilbert.embeddings.LayerNorm.bias']"}, execution_count=3)],
        4: [new_output("execute_result", data={"text/plain": "                text  label\n0   great movie!      1\n1  waste of time      0\n2      loved it       1"}, execution_count=4)],
        6: [new_output("stream", name="stdout", text=f"logged in with {FAKE_TOKEN}\n")],
        7: [new_output("execute_result", data={"text/plain": "{'input_ids': [101, 2307, 3185, 102], 'attention_mask': [1, 1, 1, 1]}"}, execution_count=6)],
    }
    count = 0
    for index, cell in enumerate(cells):
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.outputs = outputs.get(index, [])
            cell.metadata = {}
        cell.id = f"demo-{index + 1}"
    nb.cells = cells
    return nb


def main() -> int:
    nb = build()
    nbformat.validate(nb)
    nbformat.write(nb, str(TARGET))
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
