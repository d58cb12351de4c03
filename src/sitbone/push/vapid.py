"""VAPID keys (RFC 8292): how this server proves to a browser's push service that it is the
server the browser subscribed to.

Keys travel as base64url text, the form browsers and push tooling use: the private key is the
raw 32-byte P-256 scalar, the public key the 65-byte uncompressed point that the browser gets as
`applicationServerKey`. This module imports no Django, so `sitbone serve` can create a local key
pair before Django starts.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ValueError for anything else."""
    body = text.strip().rstrip("=")
    if not body or not set(body) <= _B64URL_ALPHABET:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def public_key_text(key: ec.EllipticCurvePublicKey) -> str:
    return b64url_encode(
        key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def private_key_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 private key from its base64url raw scalar; ValueError when it is not one."""
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def vapid_key_pair_generate() -> tuple[str, str]:
    """A fresh (private, public) key pair as base64url text."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(raw), public_key_text(key.public_key())


def vapid_public_key_for(private_text: str) -> str:
    return public_key_text(private_key_from_text(private_text).public_key())
