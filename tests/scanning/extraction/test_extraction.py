"""extract_safely on ordinary and hostile archives, every one built here with tarfile/zipfile.

Each extraction goes through `Sandbox.extract`, which also checks that nothing outside the
work directory changed: a sentinel folder beside it, the uploads folder, the system temp dir.
"""
from __future__ import annotations

import os
import tempfile
import zlib

import pytest

from governance.scanning import extraction
from governance.scanning.extraction import (
    ExtractionLimits,
    ExtractionRefused,
    extract_safely,
)
from tests.scanning.extraction.kit import (
    MiB,
    notes_of,
    patch_zip,
    regular,
    spy_on_extractcode,
    tar_bytes,
    tree,
    zip_bytes,
)

# Ordinary archives ----------------------------------------------------------------------------

def test_tar_gz_extracts_every_file_with_its_bytes(sandbox):
    data = tar_bytes(regular("pkg/setup.py", b"print('hi')\n"), regular("pkg/README", b"read"),
                     regular("pkg/src/mod.py", b"x = 1\n"))

    result = sandbox.extract(data, "pkg-1.0.tar.gz")

    assert result.root == sandbox.work / "src"
    assert tree(result.root) == {"pkg/setup.py": b"print('hi')\n", "pkg/README": b"read",
                                 "pkg/src/mod.py": b"x = 1\n"}
    assert (result.files, result.total_bytes) == (3, 22)
    assert result.notes == []


def test_zip_extracts_every_file_with_its_bytes(sandbox):
    data = zip_bytes({"a.txt": b"alpha", "dir/b.txt": b"beta", "dir/sub/c.txt": b"gamma"})

    result = sandbox.extract(data, "bundle.zip")

    assert tree(result.root) == {"a.txt": b"alpha", "dir/b.txt": b"beta",
                                 "dir/sub/c.txt": b"gamma"}
    assert (result.files, result.total_bytes) == (3, 14)


def test_plain_file_is_copied_as_the_only_file(sandbox):
    result = sandbox.extract(b"import os\n", "tool.py")

    assert tree(result.root) == {"tool.py": b"import os\n"}
    assert (result.files, result.total_bytes) == (1, 10)


def test_archive_stored_under_a_hash_name_is_read_by_its_original_name(sandbox):
    data = tar_bytes(regular("pkg/a.txt", b"a"))

    result = sandbox.extract(data, "3f2a9c", original_name="../../pkg-1.0.tar.gz")

    assert tree(result.root) == {"pkg/a.txt": b"a"}


def test_a_retry_replaces_what_an_earlier_run_left(sandbox):
    sandbox.work.joinpath("src", "stale").mkdir(parents=True)
    sandbox.work.joinpath("src", "stale", "old.txt").write_text("old")

    result = sandbox.extract(zip_bytes({"new.txt": b"new"}), "again.zip")

    assert tree(result.root) == {"new.txt": b"new"}


def test_temporary_folders_are_inside_the_work_directory_and_settings_come_back(
        sandbox, monkeypatch):
    from commoncode import fileutils

    monkeypatch.setenv("TMPDIR", "/elsewhere")
    monkeypatch.delenv("SCANCODE_TEMP", raising=False)
    defaults, used = fileutils.get_temp_dir.__defaults__, []
    original = extraction._run_extractcode

    def spy(archive, target):
        used.append((os.environ["TMPDIR"], os.environ["SCANCODE_TEMP"], tempfile.gettempdir(),
                     fileutils.get_temp_dir.__defaults__[0]))
        return original(archive, target)

    monkeypatch.setattr(extraction, "_run_extractcode", spy)
    sandbox.extract(tar_bytes(regular("a.txt")), "a.tar.gz")

    control_tmp = str(sandbox.work / extraction.CONTROL_DIR_NAME / "tmp")
    assert used == [(control_tmp,) * 4]
    assert os.environ["TMPDIR"] == "/elsewhere"
    assert "SCANCODE_TEMP" not in os.environ
    assert fileutils.get_temp_dir.__defaults__ == defaults


# Nested archives ------------------------------------------------------------------------------

def test_zip_inside_tar_gz_is_extracted_one_level_down(sandbox):
    inner = zip_bytes({"lib/inner.txt": b"inside"})
    data = tar_bytes(regular("pkg/vendor/inner.zip", inner), regular("pkg/top.txt", b"top"))

    result = sandbox.extract(data, "pkg.tar.gz")

    files = tree(result.root)
    assert files["pkg/vendor/inner.zip-extract/lib/inner.txt"] == b"inside"
    assert files["pkg/vendor/inner.zip"] == inner
    assert result.files == 3
    assert notes_of(result, "nested_extracted") == {
        "pkg/vendor/inner.zip": "extracted into pkg/vendor/inner.zip-extract/"}


def test_wheel_and_jar_are_extracted_as_zips(sandbox):
    wheel = zip_bytes({"demo/__init__.py": b"", "demo-1.0.dist-info/METADATA": b"Name: demo"})
    jar = zip_bytes({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "a/B.class": b"\xca"})

    from_wheel = sandbox.extract(wheel, "demo-1.0-py3-none-any.whl")
    assert set(tree(from_wheel.root)) == {"demo/__init__.py", "demo-1.0.dist-info/METADATA"}
    from_jar = sandbox.extract(jar, "demo-1.0.jar")
    assert set(tree(from_jar.root)) == {"META-INF/MANIFEST.MF", "a/B.class"}


def test_gem_and_its_data_tar_gz_are_extracted(sandbox):
    data_tar = tar_bytes(regular("lib/demo.rb", b"module Demo; end\n"))
    metadata = zlib.compress(b"--- !ruby/object:Gem::Specification\nname: demo\n", wbits=31)
    gem = tar_bytes(regular("metadata.gz", metadata), regular("data.tar.gz", data_tar),
                    compression="")

    result = sandbox.extract(gem, "demo-1.0.gem")

    files = tree(result.root)
    assert files["data.tar.gz-extract/lib/demo.rb"] == b"module Demo; end\n"
    assert any(path.startswith("metadata.gz-extract/") and b"name: demo" in content
               for path, content in files.items())
    assert set(notes_of(result, "nested_extracted")) == {"data.tar.gz", "metadata.gz"}


def test_archives_nested_deeper_than_max_depth_are_refused(sandbox):
    data = zip_bytes({"core.txt": b"bottom"})
    for level in range(4):
        data = zip_bytes({f"level{level}.zip": data})

    with pytest.raises(ExtractionRefused, match="nested more than 3 levels deep"):
        sandbox.extract(data, "bomb.zip", ExtractionLimits(max_depth=3))
    assert not (sandbox.work / "src").exists()


def test_a_corrupt_nested_archive_is_kept_as_a_file_and_noted(sandbox):
    broken = tar_bytes(regular("a.txt", b"a" * 5000))[:60]
    data = zip_bytes({"fixtures/broken.tar.gz": broken, "ok.txt": b"ok"})

    result = sandbox.extract(data, "pkg.zip")

    assert tree(result.root) == {"fixtures/broken.tar.gz": broken, "ok.txt": b"ok"}
    assert "could not be read" in notes_of(result, "nested_skipped")["fixtures/broken.tar.gz"]


# Limits ---------------------------------------------------------------------------------------

def test_compression_bomb_is_refused_before_anything_is_written(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = zip_bytes({"zeros.bin": bytes(50 * MiB)})

    with pytest.raises(ExtractionRefused, match="expands more than 100 times its size"):
        sandbox.extract(data, "bomb.zip", ExtractionLimits(max_ratio=100))
    assert calls == []
    assert not (sandbox.work / "src").exists()


def test_zip_whose_declared_sizes_lie_is_refused_by_its_real_size(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = patch_zip(zip_bytes({"small.txt": bytes(3 * MiB)}), 0, size=100)

    with pytest.raises(ExtractionRefused, match="expands to more than 1 MiB"):
        sandbox.extract(data, "liar.zip", ExtractionLimits(max_total_bytes=MiB))
    assert calls == []


def test_too_many_entries_are_refused_before_extraction(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = tar_bytes(*(regular(f"f{i}.txt") for i in range(60)))

    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(data, "many.tar.gz", ExtractionLimits(max_files=50))
    assert refused.value.reason == "The archive holds 60 entries; the limit is 50."
    assert calls == []


def test_file_count_limit_applies_to_the_whole_tree(sandbox):
    inner = zip_bytes({f"inner{i}.txt": b"i" for i in range(30)})
    data = tar_bytes(*(regular(f"outer{i}.txt") for i in range(25)), regular("nested.zip", inner))

    with pytest.raises(ExtractionRefused, match="on top of the 26 files already extracted"):
        sandbox.extract(data, "tree.tar.gz", ExtractionLimits(max_files=50))
    assert not (sandbox.work / "src").exists()


def test_total_bytes_limit_applies_to_the_whole_tree(sandbox):
    inner = zip_bytes({"big.bin": os.urandom(600 * 1024)})
    data = tar_bytes(regular("nested.zip", inner))

    with pytest.raises(ExtractionRefused, match="inside the upload expands to more than 1 MiB"):
        sandbox.extract(data, "tree.tar.gz", ExtractionLimits(max_total_bytes=MiB))


def test_archive_larger_than_the_limit_is_refused(sandbox):
    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(os.urandom(2 * MiB), "big.zip", ExtractionLimits(max_archive_bytes=MiB))
    assert refused.value.reason == "The archive is 2 MiB; the limit is 1 MiB."


# Unreadable input -----------------------------------------------------------------------------

def test_truncated_archive_is_refused_with_a_reason(sandbox):
    data = tar_bytes(*(regular(f"f{i}.txt", os.urandom(2000)) for i in range(5)))[:3000]

    with pytest.raises(ExtractionRefused, match="^The archive could not be read: .+"):
        sandbox.extract(data, "truncated.tar.gz")
    assert not (sandbox.work / "src").exists()


def test_garbage_named_like_an_archive_is_refused(sandbox):
    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(b"this is not a zip at all", "package.zip")
    assert refused.value.reason == ("The file is named package.zip but is not an archive "
                                    "that can be read.")


def test_missing_upload_is_refused(sandbox):
    with pytest.raises(ExtractionRefused, match="cannot be read"):
        extract_safely(sandbox.uploads / "nothing.zip", sandbox.work)
