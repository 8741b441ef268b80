"""The files of an extracted repository, with paths relative to the repository's own root
(a GitHub archive holds one folder, `name-main/`, around everything)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Enough of a file to tell text from binary, and to find a license name in a README.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class RepoTree:
    root: Path  # the repository's root folder on disk
    prefix: str  # what the extracted paths carry before the repository's own ("name-main/")
    files: tuple[str, ...]  # POSIX paths relative to root, sorted

    def top_level(self) -> dict[str, str]:
        """Lower-cased names of the root's files (and .github/, docs/ ones) -> their paths."""
        found = {}
        for path in self.files:
            parts = path.split("/")
            if len(parts) == 1 or (len(parts) == 2 and parts[0].lower() in (".github", "docs")):
                found.setdefault(path.lower(), path)
        return found

    def read_text(self, path: str, limit: int = 1024 * 1024) -> str:
        with open(self.root / path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")

    def is_binary(self, path: str) -> bool:
        with open(self.root / path, "rb") as handle:
            return b"\0" in handle.read(SNIFF_BYTES)

    def repo_path(self, extracted_path: str) -> str:
        """A path as the scan stored it, relative to the repository root."""
        return extracted_path[len(self.prefix):] if extracted_path.startswith(self.prefix) \
            else extracted_path


def read_tree(extracted: Path) -> RepoTree:
    root, prefix = Path(extracted), ""
    # Step into single folders (an archive of an archive may nest two of them).
    while True:
        entries = [e for e in os.scandir(root)]
        if len(entries) == 1 and entries[0].is_dir(follow_symlinks=False):
            prefix += entries[0].name + "/"
            root = root / entries[0].name
            continue
        break
    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in names:
            full = os.path.join(folder, name)
            if os.path.isfile(full) and not os.path.islink(full):
                files.append(Path(os.path.relpath(full, root)).as_posix())
    return RepoTree(root, prefix, tuple(sorted(files)))
