"""Converter building blocks shared by the API families."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubehop.convert.model import (
    ConversionResult,
    ConvertContext,
    Converter,
    Note,
    NoteKind,
    fresh,
    gvk,
    with_api,
)
from kubehop.errors import ConversionError


def renamed(to_api_version: str, to_kind: str, *notes: Note) -> Converter:
    """A converter for versions whose schemas are identical: only apiVersion (and kind) change."""
    target = gvk(to_api_version, to_kind)

    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        return ConversionResult(with_api(fresh(obj), target), notes)

    convert.__doc__ = f"Identical schema: rewrite apiVersion to {to_api_version}."
    return convert


def manual(to_api_version: str, to_kind: str, why: str) -> Converter:
    """A converter for redesigned APIs: nothing can be rewritten safely, so it refuses with the reason."""

    def convert(obj: Mapping[str, Any], ctx: ConvertContext) -> ConversionResult:
        raise ConversionError(
            f"{obj.get('apiVersion')} {obj.get('kind')} cannot be converted to {to_api_version} "
            f"{to_kind} mechanically: {why}; rewrite it by hand"
        )

    convert.__doc__ = f"Manual migration to {to_api_version} {to_kind}: {why}."
    return convert


def info(message: str) -> Note:
    return Note(NoteKind.INFO, message)


def behaviour(message: str) -> Note:
    return Note(NoteKind.BEHAVIOUR, message)


def decision(message: str) -> Note:
    return Note(NoteKind.DECISION, message)


def dropped(message: str) -> Note:
    return Note(NoteKind.DROPPED, message)
