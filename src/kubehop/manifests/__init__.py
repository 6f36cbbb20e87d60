"""Reading Kubernetes manifests: splitting streams, parsing documents, finding files and charts."""

from __future__ import annotations

from kubehop.manifests.reader import ParseProblem, decode_text, parse_chunk, read_documents
from kubehop.manifests.split import Chunk, iter_chunks

__all__ = ["Chunk", "ParseProblem", "decode_text", "iter_chunks", "parse_chunk", "read_documents"]
