"""Helm release records: the Release model, the Helm 3 (JSON) and Helm 2 (protobuf) codecs, and storage."""

from __future__ import annotations

from kubehop.helm.codec import decode_body, encode_body, evolve
from kubehop.helm.release import Hook, Release, StoredRecord, StoredRelease

__all__ = ["Hook", "Release", "StoredRecord", "StoredRelease", "decode_body", "encode_body", "evolve"]
