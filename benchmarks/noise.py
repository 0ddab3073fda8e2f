#!/usr/bin/env python3
"""Noise benchmark: how many findings a default run shows on real ML projects.

    python benchmarks/noise.py fetch                 # pip download + unpack the pinned sdists
    python benchmarks/noise.py run --label after     # this checkout (default severity and --severity low)
    python benchmarks/noise.py run --label before --src /tmp/mlw-before/src   # another checkout
    python benchmarks/noise.py sample --label after --count 60   # add findings to label
    python benchmarks/noise.py show 17               # the code around labelled finding 17
    python benchmarks/noise.py report                # rewrite the tables in benchmarks/NOISE.md

The corpus is the source distributions of the projects in :data:`PROJECTS`
at pinned versions (chosen because their sdists ship tests, examples or
notebooks), downloaded with ``pip download --no-binary :all: --no-deps`` and
unpacked under ``benchmarks/.corpus/noise/`` (gitignored). Nothing in them is
imported or run.

``run`` checks every project with ``mlwarden check --isolated --format json
--severity low`` from the project's directory (so the project's own files are
what owner inference and version awareness read) and stores every finding
with its severity in ``benchmarks/.corpus/noise-results/<label>.json``; the
default run is the subset at medium and above (the default threshold of the
version under test is recorded too). ``--src`` runs another checkout's
``src`` (``git worktree add /tmp/mlw-before aa6d6e1``) with this Python.

Hand labels live in ``benchmarks/noise_labels.tsv`` (committed): one line per
sampled finding with its location, rule, the verdict (``true``,
``acceptable`` or ``false``) and the reason. ``report`` computes the sampled
precision of each label's default run from them and rewrites the part of
``benchmarks/NOISE.md`` between the ``noise`` markers.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import random
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus"
SDISTS = CORPUS / "sdists"
UNPACKED = CORPUS / "noise"
RESULTS = CORPUS / "noise-results"
LABELS = HERE / "noise_labels.tsv"
REPORT = HERE / "NOISE.md"
START, END = "<!-- noise:start -->", "<!-- noise:end -->"

#: (distribution, version, what it brings)
PROJECTS: Tuple[Tuple[str, str, str], ...] = (
    ("trl", "0.7.11", "tests on hub test models, trainers"),
    ("peft", "0.21.2", "large test suite on own-org test models"),
    ("accelerate", "1.15.0", "distributed utilities, object collectives, tests"),
    ("litgpt", "0.5.13", "tests, hub downloads, remote code"),
    ("fschat", "0.2.36", "serving code, model adapters"),
    ("timm", "1.0.31", "hf_hub: model names, tests"),
    ("flair", "0.15.1", "tests, requirements, hub loads"),
    ("llama-recipes", "0.0.5.post2", "62 tutorial notebooks, requirements, recipes"),
    ("pyannote.audio", "4.0.7", "tutorial notebooks, tests, own-org pipelines"),
    ("diffusers", "0.42.1", "1,100 files of pipelines and tests"),
    ("sentence-transformers", "6.2.0", "hub loads, examples, tests"),
)
#: projects no rule was written against, checked once to see what a first run on
#: unseen code shows (NOISE.md, "Fresh projects"); ``run --set fresh``
FRESH: Tuple[Tuple[str, str, str], ...] = (
    ("ludwig", "0.11.0", "training framework: checkpoints, distributed, tests"),
    ("evaluate", "0.4.6", "metric loading from the hub"),
    ("deepspeed", "0.19.8", "checkpoint conversion, requirements/ folder of a library"),
    ("optimum", "2.3.0", "quantisation calibration data from the hub"),
    ("lightning", "2.6.6", "strategies, checkpoint IO, requirements/ folders"),
    ("gradio", "6.31.0", "serving, hatch-requirements-txt, tests"),
    ("fastai", "2.8.12", "learner checkpoints, downloads"),
    ("smolagents", "1.26.0", "code-executing agents, remote sandboxes"),
)
#: a second unseen set (session 6), read once by hand (NOISE.md, "Fresh projects, second set")
FRESH2: Tuple[Tuple[str, str, str], ...] = (
    ("dspy", "3.4.1", "LM programs: saved programs, caches, hub datasets"),
    ("haystack-ai", "3.4.1", "RAG pipelines, document stores, serialization"),
    ("llama-index-core", "0.14.25", "RAG framework: rerankers, loaders, agents"),
    ("mmpretrain", "1.2.0", "checkpoint converters, dataset downloads, requirements/"),
    ("open-clip-torch", "3.3.0", "pretrained checkpoints, distributed training, tests"),
    ("unsloth", "2026.3.4", "fine-tuning: offloading, saving, kernels"),
)
#: a third unseen set (session 7), chosen before that session changed any rule and read once
#: by hand at its end (NOISE.md, "Session 7: third unseen set"); unpacked into its own
#: gitignored folder, ``benchmarks/.corpus/fresh8/``
FRESH8: Tuple[Tuple[str, str, str], ...] = (
    ("speechbrain", "1.1.2", "speech toolkit: pretrained fetching, checkpointer, recipes, tests"),
    ("stable-baselines3", "2.9.2", "RL: zip archives of pickled policies, save/load, tests"),
    ("pytorch-ignite", "0.5.5", "training framework: checkpoint handlers, distributed, notebooks"),
    ("mosaicml", "0.32.1", "composer trainer: checkpoint loading from object stores, callbacks"),
    ("lighteval", "0.13.0", "eval harness: hub datasets, model loaders, tests"),
    ("avalanche-lib", "0.6.0", "continual learning: benchmarks downloads, checkpointing, tests"),
)
#: a fourth unseen set (session 8), chosen and downloaded before that session changed any rule
#: and read once by hand at its end (NOISE.md, "Session 8: fourth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh10/``
FRESH10: Tuple[Tuple[str, str, str], ...] = (
    ("audiocraft", "1.3.0", "audio generation: pretrained checkpoints from the hub, solvers, notebooks, tests"),
    ("gluonts", "0.17.0", "time-series models: serialization, predictors saved and loaded, tests"),
    ("imitation", "1.0.1", "imitation learning / RL: saved policies, tutorial notebooks, tests"),
    ("lerobot", "0.4.4", "robotics training: hub datasets and policies, training scripts"),
    ("pykeen", "1.11.1", "knowledge-graph embedding training: dataset downloads, checkpoints, tests"),
    ("setfit", "1.2.0", "few-shot training framework on sentence-transformers, tests"),
)
#: a fifth unseen set (session 9), chosen and downloaded before that session changed any rule
#: and read once by hand at its end (NOISE.md, "Session 9: fifth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh12/``
FRESH12: Tuple[Tuple[str, str, str], ...] = (
    ("transformer_lens", "4.3.0", "interpretability: hub model loading, activation caches, demos notebooks, tests"),
    ("s3prl", "0.4.18", "speech representation toolkit: upstream checkpoints, downstream recipes, requirements"),
    ("pytorch_tabular", "1.2.0", "tabular deep learning: model save/load, docs notebooks, tests"),
    ("tianshou", "2.0.1", "RL library: policy checkpoints, trainers, loggers"),
    ("d3rlpy", "2.8.1", "offline RL: dataset downloads, learnable save/load"),
    ("asteroid", "0.7.0", "audio source separation: pretrained models from the hub, recipes utilities"),
)
#: a sixth unseen set (session 10), chosen and downloaded before that session changed any rule
#: and read once by hand at its end (NOISE.md, "Session 10: sixth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh17/``
FRESH17: Tuple[Tuple[str, str, str], ...] = (
    ("pfrl", "0.4.0", "deep RL library: agent save/load, pretrained models download, examples"),
    ("demucs", "4.1.0", "music source separation: pretrained checkpoints, training solver, notebook"),
    ("flaml", "2.8.0", "AutoML / tabular tuning: model pickles, LLM autogen helpers, tests"),
    ("xtuner", "0.2.0", "LLM fine-tuning toolkit: hub models with remote code, configs, tools"),
    ("lightly", "1.6.0", "self-supervised vision: checkpoints, API client, dataset downloads"),
    ("mmsegmentation", "1.2.2", "segmentation model zoo: checkpoints from URLs, tools, demo, tests"),
)
#: a seventh unseen set (session 11), chosen and downloaded before that session changed any rule
#: and read once by hand at its end (NOISE.md, "Session 11: seventh unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh20/``. Tried and dropped: allennlp and spacy-transformers (pip could
#: not prepare the sdist); darts, kornia, chemprop, k-diffusion, torchgeo and captum (no tests in
#: the sdist, or only test helpers); mmocr (a second OpenMMLab zoo next to mmpose)
FRESH20: Tuple[Tuple[str, str, str], ...] = (
    ("skorch", "1.4.0", "sklearn wrapper for torch: pickled nets, save_params/load_params, hub callbacks, tests"),
    ("pytorch-forecasting", "1.8.0", "time-series models: checkpoints, dataset save/load, tests"),
    ("openai-whisper", "20250625", "speech model: checkpoint downloads checked against a SHA-256, tests"),
    ("simpletransformers", "0.70.8", "transformers wrappers: hub loads, cached features, tests"),
    ("bertopic", "0.17.4", "topic modelling: model save/load (pickle, safetensors), hub push/pull, tests"),
    ("mmpose", "1.3.2", "pose estimation zoo: checkpoints from URLs, demo, tools, tests"),
)
#: an eighth unseen set (session 11b), chosen and downloaded before that round changed any rule
#: and read once by hand at its end (NOISE.md, "Session 11b: eighth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh23/``. Tried and dropped: gensim, river and autogluon.tabular (pip
#: could not prepare the sdist), torchdrug (no sdist), torchmetrics, tsai and
#: pytorch-metric-learning (no tests or notebooks in the sdist), pyro-ppl and supervision (a
#: handful of test files), einops (small, loads nothing)
FRESH23: Tuple[Tuple[str, str, str], ...] = (
    ("stanza", "1.15.0", "NLP pipelines: model downloads and resources.json, pretrain files, large test suite"),
    ("gpytorch", "1.15.2", "Gaussian processes: examples notebooks, test suite, state dicts"),
    ("hummingbird-ml", "0.4.12", "model conversion to tensors: saved/loaded containers, tests, notebooks"),
    ("sahi", "0.12.8", "sliced inference: detection model downloads (yolo, mmdet, hub), tests, demo notebooks"),
    ("neuralforecast", "3.3.0", "time-series models: save/load of fitted models, tests"),
    ("botorch", "0.18.1", "Bayesian optimisation on torch: tutorials notebooks, test helpers"),
)
#: a ninth unseen set (session 12), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 12: ninth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh24/``. Tried and dropped: torchtune and textattack (no sdist pip could
#: fetch), pyod, spandrel and litdata (no tests in the sdist), detoxify (five files)
FRESH24: Tuple[Tuple[str, str, str], ...] = (
    ("optuna", "5.0.0", "hyperparameter search: storages, pickled samplers, artifacts, large test suite"),
    ("outlines", "1.3.3", "structured generation: hub models and tokenizers, caches, tests, notebooks"),
    ("pycaret", "2.3.10", "low-code AutoML: model save/load (pickle/joblib), deployment helpers, tests"),
    ("scvi-tools", "1.4.2", "single-cell models: save/load of trained models, hub, dataset downloads, tests"),
    ("webdataset", "1.0.2", "sharded datasets: tar decoding with pickle/torch handlers, URL streams, tests"),
    ("alibi-detect", "0.13.0", "drift/outlier detectors: saving/loading detectors, fetched models, tests"),
)
#: a tenth unseen set (session 12b), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 12b: tenth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh27/``. Tried and dropped: deepchem (no sdist pip could fetch for this
#: Python), torch-geometric (no tests in the sdist)
FRESH27: Tuple[Tuple[str, str, str], ...] = (
    ("ultralytics", "8.4.190", "YOLO training/inference: checkpoint loading (torch.load), hub/URL downloads, exports, tests"),
    ("keras", "3.15.1", "deep learning API: saving/loading (.keras zip, h5, safe_mode), numpy loads, many *_test.py"),
    ("sktime", "1.2.0", "time-series ML toolkit: estimator save/load (pickle, cloudpickle, zip), dataset downloads, tests, notebooks"),
    ("nltk", "3.10.4", "NLP toolkit: data downloader, pickled models and resources, large test suite"),
    ("datasets", "5.2.0", "HF datasets: hub downloads, caching/fingerprinting (dill pickling), loading scripts, tests"),
    ("ax-platform", "1.3.1", "adaptive experimentation on BoTorch: storage (JSON/SQL), model bridges, tests, tutorial notebooks"),
)
#: an eleventh unseen set (session 13), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 13: tenth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh28/``. Tried and dropped: gensim, river (their sdists' build
#: dependencies did not install for this Python), spacy (metadata build over two minutes), adapters,
#: neuralprophet, recbole, keras-tuner, openml, txtai, torchmetrics (no tests in the sdist),
#: pytorch-pfn-extras, mlxtend, pyro-ppl (two to five test files), mmdet (no sdist pip could fetch)
FRESH28: Tuple[Tuple[str, str, str], ...] = (
    ("flax", "0.12.8", "JAX neural networks: checkpoint save/restore, serialization, large test suite, docs notebooks"),
    ("pgmpy", "1.1.2", "probabilistic graphical models: model readers/writers, example model downloads, large test suite"),
    ("gliner", "0.2.29", "NER models: hub checkpoints (torch.load), ONNX export, save/load round trips, tests"),
    ("ktrain", "0.41.4", "keras/transformers wrapper: predictors saved and reloaded (pickle, h5), tests"),
    ("skops", "0.16.0", "secure sklearn persistence: skops.io dump/load with trusted types, hub integration, tests"),
    ("tslearn", "0.10.0", "time-series ML: model to_pickle/to_hdf5/to_json and back, dataset downloads, tests"),
)
#: a twelfth unseen set (session 14), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 14: twelfth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh29/``. Tried and dropped: umap-learn, scikit-optimize (no tests in the
#: sdist), shap (no sdist of the current release; 0.51.0's metadata build failed here)
FRESH29: Tuple[Tuple[str, str, str], ...] = (
    ("evalml", "0.84.0", "AutoML pipelines: pipeline save/load (cloudpickle), component graphs, large test suite"),
    ("featuretools", "1.31.0", "feature engineering: EntitySet serialization (pickle, parquet, archives), feature defs save/load, tests"),
    ("hyperopt", "0.3.0", "hyperparameter search: pickled Trials, MongoDB/Spark workers, tests, notebooks"),
    ("mlforecast", "1.1.0", "time-series forecasting: forecaster save/load (cloudpickle), distributed fits, tests"),
    ("imbalanced-learn", "0.14.2", "resampling on scikit-learn: pickled estimators in tests, dataset fetchers, example notebooks"),
    ("sb3-contrib", "2.9.2", "RL algorithms on stable-baselines3: model zips saved and reloaded in tests"),
)
#: a thirteenth unseen set (session 15), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 15: thirteenth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh30/``. Tried and dropped: fvcore (no tests in the sdist), lenskit (its
#: sdist's build dependencies did not install here)
FRESH30: Tuple[Tuple[str, str, str], ...] = (
    ("aeon", "1.6.0", "time-series ML toolkit: estimator save/load (pickle, zip), deep-learning checkpoints, dataset downloads, large test suite"),
    ("mapie", "1.6.0", "conformal prediction on scikit-learn: pickled estimators, tests, notebooks"),
    ("nevergrad", "1.0.12", "gradient-free optimisation: optimizer dump/load (pickle), benchmarks, tests"),
    ("opacus", "1.6.0", "differential privacy for PyTorch: privacy engine checkpoints (torch.load), tests"),
    ("poutyne", "1.19.0", "Keras-like PyTorch trainer: model/optimizer checkpoints, callbacks, tests, notebooks"),
    ("sbi", "0.27.0", "simulation-based inference: pickled posteriors, density estimators, tests, tutorial notebooks"),
)
#: a fourteenth unseen set (session 15b), chosen and downloaded before that round changed any rule and
#: read once by hand at its end (NOISE.md, "Session 15b: fourteenth unseen set"); unpacked into
#: ``benchmarks/.corpus/fresh31/``. Tried and dropped: cleanlab, pythae, schnetpack, mljar-supervised,
#: statsforecast, lightning-bolts, deepctr (no tests in the sdist), deepxde, lightning-flash, llm-foundry,
#: spektral (one to three test files), mmengine, torchio, stellargraph (pip could not prepare the
#: sdist), python-doctr, fairscale (download or metadata build over two minutes)
FRESH31: Tuple[Tuple[str, str, str], ...] = (
    ("autokeras", "3.0.0", "AutoML on Keras: tuner checkpoints, model export and reload, keras callbacks, tests"),
    ("dice-ml", "0.12", "counterfactual explanations: pickled sample models, requirements files, tests, notebooks"),
    ("lifelines", "0.30.3", "survival analysis: setup.py reading reqs/ files, pickled fitters in tests, dataset loaders"),
    ("orbax-checkpoint", "0.12.8", "JAX checkpointing: save/restore handlers, msgpack and tensorstore, large test suite"),
    ("mergekit", "0.1.5", "LLM model merging: hub models, safetensors shards, lazy tensor loading, tests"),
    ("tpot", "1.1.0", "genetic-programming AutoML: pickled pipelines and populations, setup.py, tests"),
)
#: session 16 used two new sets, both chosen, downloaded and counted on BASE (main c8a9efe) before
#: that round changed any rule. fresh32 is the development set: its default findings were read and
#: labelled first (``benchmarks/noise_labels_fresh32.tsv``) and the round's fixes were written
#: against them (NOISE.md, "Session 16"); unpacked into ``benchmarks/.corpus/fresh32/``. Tried and
#: dropped for both: torchxrayvision, etna, fastembed, lhotse, piq (pip could not prepare the
#: sdist), mushroom-rl, matgl (download or metadata build over two and a half minutes),
#: agilerl, category_encoders, explainerdashboard, faster-whisper, guidance, ngboost,
#: pytorchvideo, salesforce-merlion, smac (no tests in the sdist), feature-engine (one test file)
FRESH32: Tuple[Tuple[str, str, str], ...] = (
    ("model2vec", "0.10.0", "static embeddings distilled from hub models: save/load (safetensors), hub pulls, tests"),
    ("tabpfn", "9.2.0", "tabular foundation model: checkpoint downloads and torch.load, fitted-model save/load, tests"),
    ("optimum-quanto", "0.2.7", "quantisation on PyTorch: quantized state dicts saved and reloaded, hub models, tests"),
    ("skrub", "0.11.0", "tabular ML preprocessing on scikit-learn: pickled estimators and data ops, dataset fetchers, tests"),
    ("cellpose", "4.2.1.1", "cell segmentation: pretrained model downloads, torch.load of checkpoints, training, notebooks, tests"),
    ("rl_zoo3", "2.9.2", "RL training zoo on stable-baselines3: hub model pulls, saved agents and normalisers, tests"),
)
#: the session 16 held-out set: chosen with fresh32 and counted on BASE, then left unread until the
#: round's final code (NOISE.md, "Session 16: sixteenth unseen set"); ``benchmarks/.corpus/fresh33/``
FRESH33: Tuple[Tuple[str, str, str], ...] = (
    ("mace-torch", "0.3.16", "machine-learning interatomic potentials: model downloads, torch.load, training checkpoints, tests"),
    ("torchani", "2.9.0", "neural network potentials: pretrained parameter downloads, model save/load, tests"),
    ("skl2onnx", "1.20.0", "scikit-learn to ONNX conversion: pickled models in tests, onnx runtime checks, large test suite"),
    ("eli5", "0.16.0", "model explanation for scikit-learn, xgboost, keras: estimator inspection, tests"),
    ("span-marker", "1.8.1", "NER on transformers: hub models, save/load of trained models, model cards, tests"),
    ("pomegranate", "1.1.2", "probabilistic models on PyTorch: distributions, HMMs, Bayesian networks, tests"),
)
#: session 17 used two new sets, both chosen, downloaded and counted on BASE (main 4bd047e) before
#: that round changed any rule. fresh34 is the development set: its default findings were read and
#: labelled first (``benchmarks/noise_labels_fresh34.tsv``) and the round's fixes were written
#: against them (NOISE.md, "Session 17"); unpacked into ``benchmarks/.corpus/fresh34/``. Tried and
#: dropped for both: torchattacks, libreco, laplace-torch, torch-uncertainty (no sdist pip could
#: fetch), fairchem-core, tsfresh, pmdarima, sockeye, stardist (pip could not prepare the sdist),
#: sample-factory, chgnet, torchensemble, dowhy (download or metadata build over two minutes),
#: csbdeep, dask-ml, equinox, fairlearn, foolbox, top2vec (no tests in the sdist), nequip,
#: gymnasium (one or two test files), e3nn, minari, pynndescent, gplearn, hmmlearn, pettingzoo,
#: torchsde (fit, but not needed for two sets of six; kept for a later round)
FRESH34: Tuple[Tuple[str, str, str], ...] = (
    ("adversarial-robustness-toolbox", "1.20.1", "adversarial ML: estimator wrappers, pretrained model downloads, poisoning/extraction attacks, large test suite"),
    ("compressed-tensors", "0.20.1", "quantised/sparse tensor formats: safetensors save/load, hub models, tests"),
    ("pyabc", "0.13.0", "approximate Bayesian computation: pickled populations in a database, external simulators, tests"),
    ("dynesty", "3.1.0", "nested sampling: pickled checkpoint files saved and resumed, tests, notebooks"),
    ("dalex", "1.8.0", "model explanation: explainers dumped and loaded with pickle, arena server, tests"),
    ("skada", "0.6.0", "domain adaptation on scikit-learn and torch: dataset fetchers, deep models, tests"),
)
#: the session 17 held-out set: chosen with fresh34 and counted on BASE, then left unread until the
#: round's final code (NOISE.md, "Session 17: seventeenth unseen set"); ``benchmarks/.corpus/fresh35/``
FRESH35: Tuple[Tuple[str, str, str], ...] = (
    ("llmcompressor", "0.14.0.1", "LLM compression: hub models with remote code, calibration datasets, checkpoints, tests"),
    ("yellowbrick", "1.5", "ML visualisation on scikit-learn: dataset downloads, pickled models in tests, notebooks"),
    ("gpflow", "2.11.2", "Gaussian processes on TensorFlow: checkpoints, saved models, large test suite"),
    ("pysr", "2.7.2", "symbolic regression: pickled models and checkpoint files, Julia backend, tests, notebooks"),
    ("emcee", "3.1.6", "MCMC sampling: HDF5 backends saved and resumed, tests, notebooks"),
    ("numpyro", "0.22.0", "probabilistic programming on JAX: examples with dataset downloads, inference state, tests"),
)
#: session 18 used two new sets, both chosen, downloaded and counted on BASE (main 8eb54eb) before
#: that round changed any rule (BASE: fresh36 86 default findings, 181 at every severity; fresh37 64 and
#: 101). fresh36 is the development set: its default findings were read and
#: labelled first (``benchmarks/noise_labels_fresh36.tsv``) and the round's fixes were written
#: against them (NOISE.md, "Session 18"); unpacked into ``benchmarks/.corpus/fresh36/``. Looked at
#: and not used: hmmlearn, gpjax, pettingzoo, minari, gplearn, torchsde (no default finding on BASE),
#: sacred (one), highway-env, keybert, lpips, onnxmltools, quantus, trieste, auto-round, keras-hub,
#: llm2vec (no or one test file in the sdist); bayesian-optimization, pytorch-tabnet (no sdist pip
#: could fetch)
FRESH36: Tuple[Tuple[str, str, str], ...] = (
    ("flagembedding", "1.4.2", "embedding and reranker models: hub loads with remote code, fine-tuning scripts, evaluation, tests"),
    ("rlberry", "0.7.3", "RL experiment manager: agents saved and reloaded (pickle, torch), hub agents, tests"),
    ("tf2onnx", "1.17.0", "TensorFlow/Keras/TFLite to ONNX conversion: saved models, large test suite"),
    ("arviz", "0.23.4", "Bayesian model diagnostics: InferenceData netCDF/zarr save and load, dataset downloads, tests"),
    ("colpali-engine", "0.3.18", "visual document retrieval: hub models and processors, training, tests"),
    ("e3nn", "0.6.0", "equivariant neural networks on PyTorch: saved/compiled models, tests"),
)
#: the session 18 held-out set: chosen with fresh36 and counted on BASE, then left unread until the
#: round's final code (NOISE.md, "Session 18: eighteenth unseen set"); ``benchmarks/.corpus/fresh37/``
FRESH37: Tuple[Tuple[str, str, str], ...] = (
    ("pylate", "1.6.0", "late-interaction retrieval on sentence-transformers: hub models, indexes saved and loaded, tests"),
    ("torch-fidelity", "0.4.0", "generative-model metrics: feature-extractor weight downloads, torch.load, caches, tests"),
    ("scanpy", "1.11.5", "single-cell analysis: AnnData read/write, dataset downloads, notebooks, large test suite"),
    ("pynndescent", "0.7.0", "approximate nearest neighbours: pickled indexes, numba, tests"),
    ("nanotron", "0.4", "LLM pretraining library: checkpoints saved and resumed, hub weights conversion, tests"),
    ("pyts", "0.14.1", "time-series classification: dataset downloads and loaders, estimators, large test suite"),
)
#: session 19: development set (read and labelled before any rule change); on BASE
#: (main af49cd2) 63 default findings, 77 at every severity, 132,638 lines
FRESH38: Tuple[Tuple[str, str, str], ...] = (
    ("skrl", "2.1.1", "reinforcement-learning library: agent checkpoints saved and loaded, hub downloads, torch and jax, tests"),
    ("pytorch-tabular", "1.2.0", "tabular deep learning: model save/load, pickled datamodules, hub weights, tests"),
    ("squidpy", "1.8.2", "spatial omics: dataset downloads, image containers, large test suite"),
    ("nlpaug", "0.0.15", "text/audio augmentation: hub language models, word-embedding downloads, tests"),
    ("jraph", "0.0.6.dev0", "graph networks in JAX: example datasets read from disk, tests"),
    ("miditok", "3.1.0", "MIDI tokenizers: hub push/pull of tokenizers, notebooks, tests"),
)
#: session 19: held-out set, left unread until the final code; on BASE (main af49cd2)
#: 41 default findings, 71 at every severity, 340,186 lines
FRESH39: Tuple[Tuple[str, str, str], ...] = (
    ("snorkel", "0.10.0", "weak supervision: label models saved and loaded, pickled state, tests"),
    ("liger-kernel", "0.8.5", "Triton kernels for LLM training: hub models in convergence tests, large test suite"),
    ("alpaca-eval", "0.6.6", "LLM evaluation: hub datasets, annotator configs, model outputs, tests"),
    ("keras-cv", "0.9.0", "computer-vision layers and models: preset weight downloads, tests"),
    ("iopath", "0.1.10", "path handlers: HTTP downloads and caches, tests"),
    ("torchbearer", "0.5.5", "training loop library: checkpointers, state save/load, tests"),
    ("blackjax", "1.7.1", "MCMC samplers in JAX: large test suite"),
)
SETS = {"corpus": PROJECTS, "fresh": FRESH, "fresh2": FRESH2, "fresh8": FRESH8, "fresh10": FRESH10, "fresh12": FRESH12, "fresh17": FRESH17,
        "fresh20": FRESH20, "fresh23": FRESH23, "fresh24": FRESH24, "fresh27": FRESH27,
        "fresh28": FRESH28, "fresh29": FRESH29, "fresh30": FRESH30, "fresh31": FRESH31,
        "fresh32": FRESH32, "fresh33": FRESH33, "fresh34": FRESH34, "fresh35": FRESH35,
        "fresh36": FRESH36, "fresh37": FRESH37,
        "fresh38": FRESH38, "fresh39": FRESH39}
#: sets unpacked somewhere other than UNPACKED
SET_DIRS = {"fresh8": CORPUS / "fresh8", "fresh10": CORPUS / "fresh10", "fresh12": CORPUS / "fresh12", "fresh17": CORPUS / "fresh17",
            "fresh20": CORPUS / "fresh20", "fresh23": CORPUS / "fresh23", "fresh24": CORPUS / "fresh24", "fresh27": CORPUS / "fresh27",
            "fresh28": CORPUS / "fresh28", "fresh29": CORPUS / "fresh29",
            "fresh30": CORPUS / "fresh30", "fresh31": CORPUS / "fresh31",
            "fresh32": CORPUS / "fresh32", "fresh33": CORPUS / "fresh33",
            "fresh34": CORPUS / "fresh34", "fresh35": CORPUS / "fresh35",
            "fresh36": CORPUS / "fresh36", "fresh37": CORPUS / "fresh37",
            "fresh38": CORPUS / "fresh38", "fresh39": CORPUS / "fresh39"}
SEVERITIES = ("low", "medium", "high", "critical")
DEFAULT_SHOWN = ("medium", "high", "critical")


def _slug(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def project_dir(name: str, version: str) -> Path:
    for set_name, base in SET_DIRS.items():
        if any(p[0] == name and p[1] == version for p in SETS[set_name]):
            return base / f"{name}-{version}"
    return UNPACKED / f"{name}-{version}"


# ---------------------------------------------------------------------------
# corpus


def fetch(projects: Sequence[Tuple[str, str, str]] = PROJECTS) -> None:
    SDISTS.mkdir(parents=True, exist_ok=True)
    for name, version, _why in projects:
        target = project_dir(name, version)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            continue
        archive = _find_sdist(name, version)
        if archive is None:
            cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps", "-d", str(SDISTS), f"{name}=={version}"]
            print("+", " ".join(cmd), file=sys.stderr)
            subprocess.run(cmd, check=True)
            archive = _find_sdist(name, version)
            if archive is None:
                raise SystemExit(f"noise.py: pip did not produce an sdist for {name}=={version}")
        _unpack(archive, target)


def _find_sdist(name: str, version: str) -> Optional[Path]:
    wanted = {f"{_slug(name)}-{version}", f"{name}-{version}".lower()}
    for path in sorted(SDISTS.glob("*.tar.gz")):
        stem = path.name[: -len(".tar.gz")]
        if stem.lower() in wanted or _slug(stem.rsplit("-", 1)[0]) + "-" + stem.rsplit("-", 1)[-1] in wanted:
            return path
    return None


def _unpack(archive: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not m.name.startswith("/") and ".." not in m.name.split("/")]
        tar.extractall(tmp, members=members)  # noqa: S202 - filtered above
    roots = list(tmp.iterdir())
    inner = roots[0] if len(roots) == 1 and roots[0].is_dir() else tmp
    inner.rename(target)
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def count_lines(root: Path) -> int:
    """Lines of Python files plus the code cells of notebooks (what the code rules read)."""
    total = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "build", "dist")]
        for name in files:
            path = Path(directory, name)
            if name.endswith(".py"):
                try:
                    total += path.read_bytes().count(b"\n")
                except OSError:
                    pass
            elif name.endswith(".ipynb"):
                try:
                    nb = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
                    if isinstance(cell, dict) and cell.get("cell_type") == "code":
                        source = cell.get("source", "")
                        source = "".join(source) if isinstance(source, list) else str(source)
                        total += source.count("\n") + 1
    return total


# ---------------------------------------------------------------------------
# runs


def run(label: str, src: Optional[str], projects: Sequence[Tuple[str, str, str]] = PROJECTS, jobs: int = 2) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve()) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out: Dict[str, object] = {"label": label, "src": src or "this checkout", "projects": {}}
    default = subprocess.run(
        [sys.executable, "-c", "from mlwarden.core.config import Config; print(Config().severity.value)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    out["default_severity"] = default
    for name, version, _why in projects:
        root = project_dir(name, version)
        if not root.is_dir():
            raise SystemExit(f"noise.py: {root} is missing; run `noise.py fetch` first")
        cmd = [sys.executable, "-m", "mlwarden", "check", "--isolated", "--format", "json", "--severity", "low", "--no-cache", "--jobs", str(jobs), "."]
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if proc.returncode not in (0, 1, 2) or not proc.stdout.strip():
            raise SystemExit(f"noise.py: {name}: mlwarden failed ({proc.returncode}): {proc.stderr[-2000:]}")
        doc = json.loads(proc.stdout)
        findings = [
            {k: f.get(k) for k in ("rule_id", "severity", "path", "line", "col", "cell", "output", "message", "context")}
            for f in doc["findings"]
        ]
        out["projects"][f"{name}-{version}"] = {  # type: ignore[index]
            "lines": count_lines(root),
            "files_checked": doc["summary"]["files_checked"],
            "errors": len(doc["errors"]),
            "seconds": round(seconds, 1),
            "findings": findings,
        }
        shown = sum(1 for f in findings if f["severity"] in DEFAULT_SHOWN)
        print(f"{label}: {name}-{version}: {len(findings)} findings, {shown} at medium+ ({seconds:.1f} s)", file=sys.stderr)
    path = RESULTS / f"{label}.json"
    path.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return path


def load_results(label: str) -> dict:
    path = RESULTS / f"{label}.json"
    if not path.exists():
        raise SystemExit(f"noise.py: no results for {label!r}; run `noise.py run --label {label}` first")
    return json.loads(path.read_text(encoding="utf-8"))


def shown_by_default(result: dict, finding: dict) -> bool:
    """Whether a default run of that version shows ``finding``."""
    threshold = SEVERITIES.index(result.get("default_severity", "low"))
    return SEVERITIES.index(finding["severity"]) >= threshold


# ---------------------------------------------------------------------------
# labels


FIELDS = ("id", "label", "project", "location", "rule", "severity", "verdict", "reason")


def _key(project: str, f: dict) -> str:
    cell = f"cell {f['cell']}:" if f.get("cell") is not None else ""
    return f"{f['path']}:{cell}{f['line']}:{f['col']}"


def read_labels() -> List[dict]:
    if not LABELS.exists():
        return []
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_labels(rows: List[dict]) -> None:
    with LABELS.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in FIELDS})


def sample(label: str, count: int, seed: int) -> None:
    """Add ``count`` findings of ``label``'s default run, drawn at random
    (fixed seed), that are not labelled yet; verdicts start empty."""
    result = load_results(label)
    rows = read_labels()
    have = {(r["project"], r["location"], r["rule"]) for r in rows}
    pool = []
    for project, data in sorted(result["projects"].items()):
        for f in data["findings"]:
            if shown_by_default(result, f) and (project, _key(project, f), f["rule_id"]) not in have:
                pool.append((project, f))
    rng = random.Random(seed)
    picked = rng.sample(pool, min(count, len(pool)))
    next_id = max((int(r["id"]) for r in rows), default=0) + 1
    for project, f in sorted(picked, key=lambda pf: (pf[0], _key(*pf))):
        rows.append({"id": next_id, "label": label, "project": project, "location": _key(project, f), "rule": f["rule_id"],
                     "severity": f["severity"], "verdict": "", "reason": ""})
        next_id += 1
    write_labels(rows)
    print(f"added {len(picked)} findings to {LABELS.name} (now {len(rows)})", file=sys.stderr)


def show(ident: str, context: int = 4) -> None:
    for row in read_labels():
        if row["id"] != ident:
            continue
        project = row["project"]
        parts = row["location"].split(":")
        path = project_dir(*project.rsplit("-", 1)) / parts[0]
        message = ""
        for label in ("before", "after"):
            try:
                result = load_results(label)
            except SystemExit:
                continue
            for f in result["projects"].get(project, {}).get("findings", []):
                if _key(project, f) == row["location"] and f["rule_id"] == row["rule"]:
                    message = f"{label}: {f['severity']} {f['message']}"
                    print(message)
        print(f"#{ident} {project} {row['location']} {row['rule']}")
        if parts[1].startswith("cell "):
            cell_no, line = int(parts[1][5:]), int(parts[2])
            nb = json.loads(path.read_text(encoding="utf-8"))
            source = nb["cells"][cell_no - 1].get("source", "")
            lines = ("".join(source) if isinstance(source, list) else source).splitlines()
        else:
            line = int(parts[1])
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for n in range(max(1, line - context), min(len(lines), line + context) + 1):
            print(f"{'>' if n == line else ' '}{n:5d} {lines[n - 1][:200]}")
        return
    raise SystemExit(f"noise.py: no label {ident}")


# ---------------------------------------------------------------------------
# report


def _per10k(n: int, lines: int) -> str:
    return f"{n * 10000 / lines:.2f}" if lines else "-"


def render(labels: Sequence[str]) -> str:
    results = {label: load_results(label) for label in labels if (RESULTS / f"{label}.json").exists()}
    if not results:
        raise SystemExit("noise.py: no results; run `noise.py run` first")
    out: List[str] = []
    first = next(iter(results.values()))
    projects = list(first["projects"])
    head = " | ".join(f"{label} all | {label} default" for label in results)
    per = " | ".join(f"{label} default /10k lines" for label in results)
    out.append(f"| project | lines | {head} | {per} |")
    out.append("|---|---:|" + "---:|---:|" * len(results) + "---:|" * len(results))
    totals = collections.Counter()
    lines_total = 0
    for project in projects:
        lines = first["projects"][project]["lines"]
        lines_total += lines
        cells, rates = [], []
        for label, result in results.items():
            data = result["projects"].get(project, {"findings": []})
            n_all = len(data["findings"])
            n_default = sum(1 for f in data["findings"] if shown_by_default(result, f))
            totals[(label, "all")] += n_all
            totals[(label, "default")] += n_default
            cells.append(f"{n_all} | {n_default}")
            rates.append(_per10k(n_default, lines))
        out.append(f"| {project} | {lines:,} | " + " | ".join(cells) + " | " + " | ".join(rates) + " |")
    cells = [f"**{totals[(label, 'all')]}** | **{totals[(label, 'default')]}**" for label in results]
    rates = [_per10k(totals[(label, "default")], lines_total) for label in results]
    out.append(f"| **total** | {lines_total:,} | " + " | ".join(cells) + " | " + " | ".join(rates) + " |")
    if len(results) >= 2:
        a, b = list(results)[:2]
        da, db = totals[(a, "default")], totals[(b, "default")]
        out.append("")
        out.append(f"Default-run findings, {a} -> {b}: {da} -> {db} ({da / db:.1f}x fewer)" if db else f"Default-run findings, {a} -> {b}: {da} -> 0")
    out.append("")
    out.append("Findings per 10k lines, by rule (all = every severity; default = what a default run shows):")
    out.append("")
    rules = sorted({f["rule_id"] for r in results.values() for d in r["projects"].values() for f in d["findings"]})
    out.append("| rule | " + " | ".join(f"{label} all | {label} default" for label in results) + " |")
    out.append("|---|" + "---:|---:|" * len(results))
    for rule in rules:
        cells = []
        for label, result in results.items():
            fs = [f for d in result["projects"].values() for f in d["findings"] if f["rule_id"] == rule]
            cells.append(f"{_per10k(len(fs), lines_total)} | {_per10k(sum(1 for f in fs if shown_by_default(result, f)), lines_total)}")
        out.append(f"| {rule} | " + " | ".join(cells) + " |")
    rows = read_labels()
    if rows:
        out.append("")
        out.append(f"Sampled precision ({LABELS.name}; true or acceptable counts as correct):")
        out.append("")
        out.append("| sample | labelled | true | acceptable | false | precision |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for label, result in results.items():
            shown = {
                (p, _key(p, f), f["rule_id"])
                for p, d in result["projects"].items()
                for f in d["findings"]
                if shown_by_default(result, f)
            }
            mine = [r for r in rows if (r["project"], r["location"], r["rule"]) in shown and r["verdict"]]
            verdicts = collections.Counter(r["verdict"] for r in mine)
            good = verdicts["true"] + verdicts["acceptable"]
            precision = f"{100 * good / len(mine):.1f}%" if mine else "-"
            out.append(f"| {label} default run | {len(mine)} | {verdicts['true']} | {verdicts['acceptable']} | {verdicts['false']} | {precision} |")
    return "\n".join(out)


def write_report(block: str) -> None:
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else f"# Noise benchmark\n\n{START}\n{END}\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = f"{before}{START}\n{block}\n{END}{after}"
    else:
        text += f"\n{START}\n{block}\n{END}\n"
    REPORT.write_text(text, encoding="utf-8")


def all_labels() -> Dict[Tuple[str, str, str], Tuple[str, str]]:
    """Every committed label file's verdicts: (project, location, rule) ->
    (verdict, reason); a later file's label wins (the newest reading)."""
    out: Dict[Tuple[str, str, str], Tuple[str, str]] = {}
    for path in sorted(HERE.glob("noise_labels*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("project") and row.get("location") and row.get("rule"):
                    out[(row["project"], row["location"], row["rule"])] = (row.get("verdict", ""), row.get("reason", ""))
    return out


def compare(before: str, after: str) -> str:
    """What moved between two runs of one set: default counts, per-rule
    default counts that changed, findings that appeared or disappeared at
    any severity (rule, path, line, column, cell), and every finding whose
    severity changed, with its label when one exists."""
    a, b = load_results(before), load_results(after)
    labels = all_labels()

    def index(result: dict) -> Dict[Tuple, dict]:
        out = {}
        for project, data in result["projects"].items():
            for f in data["findings"]:
                out[(project, f["rule_id"], f["path"], f["line"], f["col"], f.get("cell"), f.get("output"))] = f
        return out

    ia, ib = index(a), index(b)
    lines: List[str] = []
    da = sum(1 for f in ia.values() if shown_by_default(a, f))
    db = sum(1 for f in ib.values() if shown_by_default(b, f))
    lines.append(f"default {before} -> {after}: {da} -> {db}; every severity: {len(ia)} -> {len(ib)}")
    rules = sorted({k[1] for k in (*ia, *ib)})
    for rule in rules:
        ra = sum(1 for k, f in ia.items() if k[1] == rule and shown_by_default(a, f))
        rb = sum(1 for k, f in ib.items() if k[1] == rule and shown_by_default(b, f))
        if ra != rb:
            lines.append(f"  {rule} default {ra} -> {rb}")
    for key in sorted(set(ia) - set(ib), key=str):
        lines.append(f"  GONE {key}")
    for key in sorted(set(ib) - set(ia), key=str):
        lines.append(f"  NEW {key} {ib[key]['severity']}")
    for key in sorted(set(ia) & set(ib), key=str):
        fa, fb = ia[key], ib[key]
        if fa["severity"] != fb["severity"]:
            cell = f"cell {key[5]}:" if key[5] is not None else ""
            verdict = labels.get((key[0], f"{key[2]}:{cell}{key[3]}:{key[4]}", key[1]), ("unlabelled", ""))
            lines.append(f"  {fa['severity']} -> {fb['severity']}: {key[0]} {key[2]}:{cell}{key[3]}:{key[4]} {key[1]} [{verdict[0]}] {verdict[1][:100]}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="download and unpack the pinned sdists")
    p_fetch.add_argument("--set", choices=sorted(SETS), default="corpus")
    p_run = sub.add_parser("run", help="check every project, store the findings")
    p_run.add_argument("--set", choices=sorted(SETS), default="corpus", help="the benchmark's projects, or the fresh ones")
    p_run.add_argument("--label", default="after")
    p_run.add_argument("--src", help="PYTHONPATH of another checkout's src directory")
    p_run.add_argument("--jobs", type=int, default=2)
    p_run.add_argument("--only", help="comma-separated distribution names")
    p_sample = sub.add_parser("sample", help="add random default-run findings to the label file")
    p_sample.add_argument("--label", default="after")
    p_sample.add_argument("--count", type=int, default=50)
    p_sample.add_argument("--seed", type=int, default=14)
    p_show = sub.add_parser("show", help="print the code around a labelled finding")
    p_show.add_argument("id")
    p_report = sub.add_parser("report", help="rewrite the tables in NOISE.md")
    p_report.add_argument("--labels", default="before,after")
    p_report.add_argument("--print", action="store_true", help="print the tables instead of writing NOISE.md")
    p_compare = sub.add_parser("compare", help="what moved between two runs of one set (with labels)")
    p_compare.add_argument("before")
    p_compare.add_argument("after")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        fetch(SETS[args.set])
    elif args.command == "run":
        chosen = SETS[args.set]
        if args.only:
            names = set(args.only.split(","))
            chosen = tuple(p for p in chosen if p[0] in names)
        fetch(chosen)
        print(run(args.label, args.src, chosen, args.jobs))
    elif args.command == "compare":
        print(compare(args.before, args.after))
    elif args.command == "sample":
        sample(args.label, args.count, args.seed)
    elif args.command == "show":
        show(args.id)
    elif args.command == "report":
        block = render(args.labels.split(","))
        if args.print:
            print(block)
        else:
            write_report(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
