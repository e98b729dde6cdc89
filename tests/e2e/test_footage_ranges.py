"""The footage route as a browser's <video> uses it: HTTP Range requests over the stored file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.precinct import Precinct, running_precinct
from tests.support import sample_bundle

CLIP = sample_bundle("KZ-AST-0002") / "media" / "KZ-AST-0002_000003.mp4"
SHA = "af7b6a4e8c6b81791b249ee07dd219372cccdf9168f8fe930bd49d71046c26b7"


@pytest.fixture(scope="module")
def precinct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Precinct]:
    with running_precinct(Path(tmp_path_factory.mktemp("footage"))) as running:
        yield running


def _get(precinct: Precinct, range_: str | None = None, sha: str = SHA) -> httpx.Response:
    headers = precinct.bearer("supervisor-p2")
    if range_:
        headers["Range"] = range_
    return httpx.get(f"{precinct.base}/api/v1/footage/{sha}", headers=headers, timeout=10)


def test_whole_file_advertises_ranges(precinct: Precinct) -> None:
    whole = CLIP.read_bytes()
    done = _get(precinct)
    assert done.status_code == 200
    assert done.headers["accept-ranges"] == "bytes"
    assert done.headers["content-type"] == "video/mp4"
    assert done.headers["etag"] == f'"{SHA}"'
    assert int(done.headers["content-length"]) == len(whole)
    assert done.content == whole


@pytest.mark.parametrize(
    ("range_", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_a_range_gets_206_with_exactly_those_bytes(
    precinct: Precinct, range_: str, first: int, last: int | None
) -> None:
    whole = CLIP.read_bytes()
    size = len(whole)
    start = first % size
    end = size - 1 if last is None else last
    done = _get(precinct, range_)
    assert done.status_code == 206
    assert done.headers["content-range"] == f"bytes {start}-{end}/{size}"
    assert done.content == whole[start : end + 1]


def test_a_range_past_the_end_is_416(precinct: Precinct) -> None:
    size = CLIP.stat().st_size
    done = _get(precinct, f"bytes={size}-")
    assert done.status_code == 416
    assert done.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize("sha", ["0" * 64, "not-a-hash", SHA.upper()])
def test_unknown_or_malformed_hashes_are_404(precinct: Precinct, sha: str) -> None:
    assert _get(precinct, sha=sha).status_code == 404
