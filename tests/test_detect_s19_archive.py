"""Session 19 / round s21 (issue 16): MLW210 and archives the project keeps
safe itself (see benchmarks/DETECT.md, "Round s21"):

* ``tar.extraction_filter = getattr(tarfile, "tar_filter", fallback)``: the
  feature-test shim gives tarfile's safe filter on every Python that has one;
* a list of members built by a loop over the archive's members whose checks
  skip (``continue``) a member whose path leaves the destination, the members
  then extracted one by one from that list;
* a validation loop over a name bound to the archive's members
  (``members = tf.getmembers()`` … ``for m in members:``), also when the
  unfiltered extraction is the fallback of a filtered one.

Every sample is written for these tests; each has a kept counter-case.
"""


from round_helpers import code_notebook, fast_full_findings, line_of as _at


def _lines(code, **kw):
    return sorted({line for rule, line, _ in fast_full_findings(code, ["MLW210"], **kw)})


SHIM = '''
import tarfile


def unpack(src, dest):
    with tarfile.open(src) as shimmed:
        shimmed.extraction_filter = getattr(tarfile, "tar_filter", (lambda member, _: member))
        shimmed.extractall(dest)


def trusted(src, dest):
    with tarfile.open(src) as trusting:
        trusting.extraction_filter = getattr(tarfile, "fully_trusted_filter", None)
        trusting.extractall(dest)


def other_object(src, dest, spare):
    with tarfile.open(src) as plain:
        spare.extraction_filter = getattr(tarfile, "data_filter", None)
        plain.extractall(dest)
'''


def test_extraction_filter_from_a_getattr_shim():
    # kept: the trusted filter, and a filter set on another object
    assert _lines(SHIM) == [_at(SHIM, "trusting.extractall"), _at(SHIM, "plain.extractall")]


BUILT = '''
import os
import tarfile


def sanitised(src, dest):
    root = os.path.realpath(dest)
    with tarfile.open(src) as tar_ref:
        safe_members = []
        for member in tar_ref.getmembers():
            target = os.path.realpath(os.path.join(root, member.name))
            if os.path.commonpath([root, target]) != root:
                continue
            if member.issym() or member.islnk():
                continue
            safe_members.append(member)
        for i, member in enumerate(safe_members, 1):
            tar_ref.extract(member, root)


def only_logged(src, dest):
    root = os.path.realpath(dest)
    with tarfile.open(src) as logged:
        chosen = []
        for member in logged.getmembers():
            if os.path.isabs(member.name):
                print("absolute member", member.name)
            if member.isdir():
                continue
            chosen.append(member)
        for member in chosen:
            logged.extract(member, root)


def appended_first(src, dest):
    root = os.path.realpath(dest)
    with tarfile.open(src) as early:
        kept = []
        for member in early.getmembers():
            kept.append(member)
        for member in early.getmembers():
            if os.path.isabs(member.name):
                continue
        for member in kept:
            early.extract(member, root)
'''


def test_members_list_built_by_a_checking_loop():
    # kept: a check that only logs (the `continue` skips directories), and a list built before any check
    assert _lines(BUILT) == [_at(BUILT, "logged.extract("), _at(BUILT, "early.extract(")]


FALLBACK = '''
import tarfile


def _validate(name):
    if name.startswith("/") or ".." in name.split("/"):
        raise ValueError(name)


def extract_sdist(archive, dest):
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        for m in members:
            _validate(m.name)
            if m.islnk() or m.issym():
                _validate(m.linkname)
        try:
            tf.extractall(dest, filter="data")
        except TypeError:
            tf.extractall(dest)


def unchecked(archive, dest):
    with tarfile.open(archive, "r:*") as loose:
        names = loose.getmembers()
        for m in names:
            print(m.name)
        try:
            loose.extractall(dest, filter="data")
        except TypeError:
            loose.extractall(dest)
'''


def test_validation_loop_over_a_bound_member_list():
    # kept: a loop over the members that checks nothing
    assert _lines(FALLBACK) == [_at(FALLBACK, "            loose.extractall(dest)")]


def test_shim_in_a_notebook():
    nb = code_notebook(
        "import tarfile\n",
        "with tarfile.open('weights.tar') as t:\n    t.extraction_filter = getattr(tarfile, 'data_filter', None)\n    t.extractall('out')\n",
        "with tarfile.open('other.tar') as u:\n    u.extractall('out')\n",
    )
    found = fast_full_findings(nb, ["MLW210"], filename="unpack.ipynb")
    assert [line for _, line, _ in found] == [2]  # only the third cell's extraction, its line 2
