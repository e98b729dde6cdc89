"""A real RFC 3161 time-stamping authority on loopback, for tests: `openssl ts -reply` over HTTP.

`make_pki` writes a test CA and a TSA certificate (extendedKeyUsage critical
timeStamping) signed by it, with `openssl req` and `openssl x509`. `LocalTsa`
serves RFC 3161 over HTTP (stdlib `http.server` in a thread): each POSTed query
is answered by `openssl ts -reply`. Its `mode` makes it misbehave on purpose:
`"other_digest"` answers, with the request's nonce, for the SHA-256 of other
bytes; `"http_error"` answers 503.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

_SHA256_OID = bytes.fromhex("0609608648016503040201")  # DER OID 2.16.840.1.101.3.4.2.1
OTHER_BYTES = b"not the checkpoint"

_CONFIG = """\
[ tsa_config ]
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
certs = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = {ess}

[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
"""

Mode = Literal["ok", "other_digest", "http_error"]


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Pki:
    """A test CA and a TSA it certified: the files `openssl ts -verify` and the TSA need."""

    dir: Path
    ca: Path
    tsa_cert: Path
    tsa_key: Path
    config: Path


def make_pki(folder: Path, name: str = "Test", *, rsa: bool = False, ess: str = "sha256") -> Pki:
    """Create a CA (CA:true) and a TSA certificate (EKU critical timeStamping) in `folder`.

    Keys are P-256, or RSA-2048 for the TSA with `rsa`; `ess` is the hash of the TSA's
    ESS signing-certificate attribute (sha1 gives the version 1 attribute).
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "tsa.cnf"
    config.write_text(_CONFIG.format(dir=folder, ess=ess))
    (folder / "serial").write_text("01\n")
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    tsa, tsa_key, csr = folder / "tsa.pem", folder / "tsa.key", folder / "tsa.csr"
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl(
        "req", "-x509", *curve, "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", f"/CN={name} Root CA",
        "-addext", "basicConstraints=critical,CA:true",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    tsa_curve = ("-newkey", "rsa:2048", "-nodes") if rsa else curve
    _openssl("req", "-new", *tsa_curve, "-keyout", tsa_key, "-out", csr, "-subj", f"/CN={name} TSA")
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", tsa, "-days", "2", "-extfile", config, "-extensions", "tsa_ext",
    )  # fmt: skip
    return Pki(folder, ca, tsa, tsa_key, config)


def other_digest_query(query: bytes) -> bytes:
    """The same query (same nonce) for the SHA-256 of OTHER_BYTES."""
    at = query.index(b"\x04\x20", query.index(_SHA256_OID)) + 2
    return query[:at] + hashlib.sha256(OTHER_BYTES).digest() + query[at + 32 :]


class LocalTsa:
    """`openssl ts -reply` behind a loopback HTTP server; `url` is set once started."""

    def __init__(self, pki: Pki, *, port: int = 0) -> None:
        self.pki = pki
        self.mode: Mode = "ok"
        self.requests = 0
        self._port = port
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where it listens."""
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def reply(self, query: bytes) -> bytes:
        """The DER TimeStampResp `openssl ts -reply` gives for a DER TimeStampReq."""
        with self._lock, tempfile.TemporaryDirectory() as scratch:
            tsq, tsr = Path(scratch) / "q.tsq", Path(scratch) / "r.tsr"
            tsq.write_bytes(query)
            _openssl(
                "ts", "-reply", "-config", self.pki.config, "-section", "tsa_config",
                "-queryfile", tsq, "-out", tsr,
            )  # fmt: skip
            return tsr.read_bytes()

    def start(self) -> Self:
        """Listen on loopback (the given port, or a free one) and serve in a daemon thread."""
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                tsa.requests += 1
                if tsa.mode == "http_error":
                    self.send_error(503, "TSA unavailable")
                    return
                if tsa.mode == "other_digest":
                    query = other_digest_query(query)
                body = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # quiet: pytest shows captured output only on failure anyway

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (a TSA that is down refuses connections)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def openssl_verify(pki: Pki, data: Path, reply: Path) -> subprocess.CompletedProcess[str]:
    """`openssl ts -verify -data DATA -in REPLY -CAfile ca.pem -untrusted tsa.pem`."""
    return subprocess.run(
        [
            "openssl", "ts", "-verify", "-data", str(data), "-in", str(reply),
            "-CAfile", str(pki.ca), "-untrusted", str(pki.tsa_cert),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
