"""The lab cache's layout, owned by hooks/lab_store.py."""

from hooks.lab_store import LabStore, write_if_changed


def test_every_cached_file_of_a_lab_has_one_path(tmp_path):
    store = LabStore.of_project(tmp_path)
    key = "domains/d/c/labs/calibration"
    root = tmp_path / ".cache" / "labs"
    assert store.execution(key, "ab" * 32) == root / "store" / key / f"{'ab' * 10}.ipynb"
    assert store.kernel_log(key) == root / "logs" / f"{key}.kernel.log"
    assert store.results(key) == store.results_dir / f"{key}.json" == root / "results" / f"{key}.json"
    assert store.manifest(key) == store.figures_dir / f"{key}.json" == root / "figures" / f"{key}.json"
    assert store.page(key) == store.pages_dir / f"{key}.ipynb" == root / "pages" / f"{key}.ipynb"
    assert len({store.results(key), store.manifest(key), store.page(key), store.kernel_log(key)}) == 4


def test_executions_lists_a_labs_stored_runs_only(tmp_path):
    store = LabStore(tmp_path)
    for lab, run in (("x/labs/a", "1" * 64), ("x/labs/ab", "2" * 64)):
        write_if_changed(store.execution(lab, run), b"{}")
    assert store.executions("x/labs/a") == [store.execution("x/labs/a", "1" * 64)]
    assert store.executions("x/labs/none") == []


def test_write_if_changed_keeps_the_mtime_of_an_unchanged_file(tmp_path):
    path = tmp_path / "deep" / "file.json"
    write_if_changed(path, b"one")
    before = path.stat().st_mtime_ns
    write_if_changed(path, b"one")
    assert path.stat().st_mtime_ns == before and path.read_bytes() == b"one"
    write_if_changed(path, b"two")
    assert path.read_bytes() == b"two" and not list(tmp_path.rglob("*.tmp"))
