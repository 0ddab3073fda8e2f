"""Session 15b, MLW108 (and the MLW1xx loaders through the same note): a
load of the path a checkpoint callback of the same function was made with,
handed to that function's ``fit``/``train`` before the load on every path to
it, is this code's own training output: low, with the reason, outside tests
too (aeon's estimators: ``ModelCheckpoint(filepath=self.file_path +
self.file_name_ + ".keras")`` in one branch, a method of the class or of its
base class in another module of the project that appends the same callback
in the other, then ``fit(..., callbacks=self.callbacks_)`` and
``load_model(self.file_path + self.file_name_ + ".keras")``).

Kept: a callback made with another path, a branch without the callback, a
base class the project does not hold, a part of the path rebound between the
callback and the load, a path with a call in it, a callback that never reaches
``fit``, and a load before ``fit``.

On BASE (s15-lead 22dd0a0) every "low" case below was medium. Every case
goes through ``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

BASE_MODULE = """
    import tensorflow as tf


    class BaseDeepEstimator:
        def _checkpoint_callbacks(self, callbacks, folder, stem):
            checkpoint = tf.keras.callbacks.ModelCheckpoint(filepath=folder + stem + ".keras", save_best_only=True)
            if isinstance(callbacks, list):
                return callbacks + [checkpoint]
            return [callbacks, checkpoint]

        def _other_callbacks(self, callbacks, folder, stem):
            return callbacks + [tf.keras.callbacks.ModelCheckpoint(filepath=folder + "best_model.keras")]
"""

HEAD = """
    import os
    import time

    import tensorflow as tf
    from thirdparty.models import ForeignBase
    from tsml.estimators.base import BaseDeepEstimator


"""

#: (class body, line of the load inside the whole file)
LOWERED = {
    "base-class-helper-in-another-module": """
        class Net(BaseDeepEstimator):
            def _fit(self, X, y):
                model = self.build_model()
                self.stem_ = self.best_name if self.keep_best else str(time.time_ns())
                if self.callbacks is None:
                    self.callbacks_ = [
                        tf.keras.callbacks.ReduceLROnPlateau(monitor="loss"),
                        tf.keras.callbacks.ModelCheckpoint(filepath=self.folder + self.stem_ + ".keras", monitor="loss"),
                    ]
                else:
                    self.callbacks_ = self._checkpoint_callbacks(
                        callbacks=self.callbacks, folder=self.folder, stem=self.stem_
                    )
                self.history = model.fit(X, y, epochs=self.epochs, callbacks=self.callbacks_)
                try:
                    self.model_ = tf.keras.models.load_model(self.folder + self.stem_ + ".keras", compile=False)
                except FileNotFoundError:
                    self.model_ = model
                return self
    """,
    "same-class-helper-positional": """
        class Net:
            def _cbs(self, extra, folder, stem):
                made = tf.keras.callbacks.ModelCheckpoint(os.path.join(folder, stem + ".keras"))
                return [made] + extra

            def fit(self, X, y):
                if self.extra:
                    cbs = self._cbs(self.extra, self.out, self.name)
                else:
                    cbs = [tf.keras.callbacks.ModelCheckpoint(os.path.join(self.out, self.name + ".keras"))]
                self.net.fit(X, y, callbacks=cbs)
                self.net = tf.keras.models.load_model(os.path.join(self.out, self.name + ".keras"))
    """,
    "local-path-bound-after-fit": """
        def train(model, X, y, out_dir, name):
            checkpoint = tf.keras.callbacks.ModelCheckpoint(filepath=f"{out_dir}/{name}.keras", save_best_only=True)
            model.fit(X, y, callbacks=[checkpoint])
            best = f"{out_dir}/{name}.keras"
            if os.path.exists(best):
                return tf.keras.models.load_model(best)
            return model
    """,
}

KEPT = {
    "another-path": """
        class Net(BaseDeepEstimator):
            def _fit(self, X, y):
                cbs = self._other_callbacks([], self.folder, self.stem_)
                self.model.fit(X, y, callbacks=cbs)
                return tf.keras.models.load_model(self.folder + self.stem_ + ".keras")
    """,
    "one-branch-only": """
        class Net:
            def _fit(self, X, y):
                self.callbacks_ = self.callbacks
                if self.callbacks is None:
                    self.callbacks_ = [tf.keras.callbacks.ModelCheckpoint(filepath=self.folder + "m.keras")]
                self.model.fit(X, y, callbacks=self.callbacks_)
                return tf.keras.models.load_model(self.folder + "m.keras")
    """,
    "base-class-outside-the-project": """
        class Net(ForeignBase):
            def _fit(self, X, y):
                self.callbacks_ = self._checkpoint_callbacks(callbacks=[], folder=self.folder, stem=self.stem_)
                self.model.fit(X, y, callbacks=self.callbacks_)
                return tf.keras.models.load_model(self.folder + self.stem_ + ".keras")
    """,
    "path-part-rebound-after-fit": """
        class Net:
            def _fit(self, X, y, stem):
                cb = tf.keras.callbacks.ModelCheckpoint(filepath=self.folder + stem + ".keras")
                self.model.fit(X, y, callbacks=[cb])
                stem = self.pretrained_stem
                return tf.keras.models.load_model(self.folder + stem + ".keras")
    """,
    "attribute-rebound-after-fit": """
        class Net:
            def _fit(self, X, y):
                cb = tf.keras.callbacks.ModelCheckpoint(filepath=self.folder + "m.keras")
                self.model.fit(X, y, callbacks=[cb])
                self.folder = self.download_folder()
                return tf.keras.models.load_model(self.folder + "m.keras")
    """,
    "call-in-the-path": """
        def train(model, X, y, out_dir):
            cb = tf.keras.callbacks.ModelCheckpoint(filepath=out_dir + str(time.time_ns()) + ".keras")
            model.fit(X, y, callbacks=[cb])
            return tf.keras.models.load_model(out_dir + str(time.time_ns()) + ".keras")
    """,
    "callback-not-handed-to-fit": """
        def train(model, X, y, out_dir, extra):
            cb = tf.keras.callbacks.ModelCheckpoint(filepath=out_dir + "m.keras")
            model.fit(X, y, callbacks=extra)
            return tf.keras.models.load_model(out_dir + "m.keras")
    """,
    "load-before-fit": """
        def train(model, X, y, out_dir):
            warm = tf.keras.models.load_model(out_dir + "m.keras")
            cb = tf.keras.callbacks.ModelCheckpoint(filepath=out_dir + "m.keras")
            warm.fit(X, y, callbacks=[cb])
            return warm
    """,
}


def findings(tmp_path, body):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'tsml'\n")
    base = tmp_path / "tsml" / "estimators"
    base.mkdir(parents=True)
    (tmp_path / "tsml" / "__init__.py").write_text("")
    (base / "__init__.py").write_text("")
    (base / "base.py").write_text(textwrap.dedent(BASE_MODULE))
    source = textwrap.dedent(HEAD) + textwrap.dedent(body)
    target = base / "_net.py"
    target.write_text(source)
    config = Config(select=["MLW108"], severity=Severity.LOW)
    fast = check_source(source, str(target), config=config)
    full = check_source(source, str(target), config=config, full=True)
    assert not fast.errors, fast.errors
    got = sorted((f.line, f.severity, f.message) for f in fast.findings if f.rule_id == "MLW108")
    assert got == sorted((f.line, f.severity, f.message) for f in full.findings if f.rule_id == "MLW108")
    load_line = next(i for i, line in enumerate(source.splitlines(), 1) if "load_model(" in line)
    return load_line, got


@pytest.mark.parametrize("name", sorted(LOWERED))
def test_a_load_of_the_function_s_own_checkpoint_is_low(tmp_path, name):
    line, got = findings(tmp_path, LOWERED[name])
    assert [(g[0], g[1]) for g in got] == [(line, Severity.LOW)]
    assert "the load reads the checkpoint this code's own training writes" in got[0][2]
    assert "ModelCheckpoint" in got[0][2]


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_load_the_training_may_not_have_written_keeps_its_rank(tmp_path, name):
    line, got = findings(tmp_path, KEPT[name])
    assert [(g[0], g[1]) for g in got] == [(line, Severity.MEDIUM)]
    assert "own training writes" not in got[0][2]
