"""The loader reads a large list a piece at a time: each work is checked and let go as it is read."""

from __future__ import annotations

import io
import os
import threading
import tracemalloc
import types

import pytest
import yaml

from supervise_tui.domain import yamlstrict
from supervise_tui.domain.tasklist import load_tasklist
from supervise_tui.locations import bundled_tasklist

needs_libyaml = pytest.mark.skipif(yamlstrict._CParser is None, reason="PyYAML was built without libyaml")


def scaled_list(tmp_path, copies: int):
    """The bundled list with its works repeated ``copies`` times under new ids."""
    src = yaml.load(bundled_tasklist().read_bytes(), Loader=yaml.CSafeLoader)
    works = []
    for n, w in enumerate((w for _ in range(copies) for w in src["works"]), 1):
        wid = f"W{n:05d}"
        works.append({**w, "id": wid, "seq": str(n), **{
            kind: [{**item, "id": f"{wid}-{kind[0].upper()}{k:02d}"} for k, item in enumerate(w[kind], 1)]
            for kind in ("targets", "measures") if kind in w}})
    path = tmp_path / "large.yaml"

    class NoAliases(yaml.CSafeDumper):
        def ignore_aliases(self, data) -> bool:
            return True

    path.write_text(yaml.dump({**src, "works": works}, Dumper=NoAliases, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@needs_libyaml
def test_reading_a_large_list_holds_little_beside_the_task_list(tmp_path, monkeypatch):
    """At its peak, reading holds the task list it makes and little more: not the file's bytes, not the
    raw tree of every work (dicts and lists, about half again the task list's size), only the work
    being read and the ids seen so far. Measured in bytes allocated (tracemalloc), not in time."""
    monkeypatch.setattr(yamlstrict, "PARSER", "c")
    # The file is read a piece at a time; a small piece keeps that fixed cost from hiding what grows.
    monkeypatch.setattr(yamlstrict, "_CHUNK", 1 << 16)
    path = scaled_list(tmp_path, 12)  # 384 works, 3,804 items, about 1.1 MB
    tracemalloc.start()
    try:
        tasklist = load_tasklist(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(tasklist.works) == 384 and len(tasklist.items) == 3804
    assert held > path.stat().st_size  # what is measured against: the task list, held
    assert peak - held < 0.3 * held, (held, peak)  # read whole first, it is 0.5-0.6


@needs_libyaml
@pytest.mark.parametrize("data, fast", [
    (b"a: |#c\n  x\n", False),  # a comment right after a block scalar's header: PyYAML's parser
    (b"a: >-+9#\n  x\n", False),
    (b"a: |2 #c\n  x\n", True),
    (b"a: |2\n  x # y\n", True),
    ("名称: 市税务局\nb: |\n  文字\n".encode(), True),  # characters of three bytes, cut anywhere
    ("a: 市\x07\n".encode(), False),  # a control character
    (b"a: b\n\xe5\x90", False),  # cut short in a character
])
def test_a_file_read_in_pieces_is_judged_as_read_whole(monkeypatch, data, fast):
    """Whether libyaml may read a file does not depend on where the pieces it is read in end."""
    for chunk in range(1, len(data) + 1):
        monkeypatch.setattr(yamlstrict, "_CHUNK", chunk)
        assert yamlstrict._fast(io.BytesIO(data)) is fast, chunk


def _through_a_pipe(tmp_path, data: bytes):
    """A FIFO with a writer feeding it ``data`` (as `load /dev/stdin` or `load <(…)` reads a list)."""
    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(data,), daemon=True)
    writer.start()
    return fifo, writer


def test_a_list_read_from_a_pipe_is_the_list_read_from_its_file(tmp_path):
    """A pipe cannot be read twice: it is read whole and gives the same task list as the file."""
    fifo, writer = _through_a_pipe(tmp_path, bundled_tasklist().read_bytes())
    assert load_tasklist(fifo) == load_tasklist(bundled_tasklist())
    writer.join(5)


def test_a_list_too_large_through_a_pipe_is_refused_by_what_was_read(tmp_path):
    fifo, writer = _through_a_pipe(tmp_path, b"pillars: []\n" + b"#" * 2000 + b"\n")
    with pytest.raises(yamlstrict.FileProblem) as refused:
        yamlstrict.read_yaml(fifo, max_bytes=1000)
    assert (refused.value.path, refused.value.detail.key) == (str(fifo), "file.too_large")
    writer.join(5)


def test_a_file_that_grew_past_the_limit_after_its_size_was_checked_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"pillars: []\n\t" + b"#" * 2000 + b"\n")  # a tab: the pure-Python reader takes it
    monkeypatch.setattr(yamlstrict.os, "fstat", lambda fd: types.SimpleNamespace(st_size=10))  # as first seen
    with pytest.raises(yamlstrict.FileProblem) as refused:
        yamlstrict.read_yaml(path, max_bytes=1000)
    assert refused.value.detail.key == "file.too_large"
