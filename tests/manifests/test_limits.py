"""The checks every YAML reader runs on a composed document: repeated keys, alias bombs, size."""

from __future__ import annotations

import yaml

from kubehop.manifests.limits import MAX_EXPANDED_NODES, duplicate_keys, expanded_size, is_bomb, too_large


def compose(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node


def test_repeated_keys_are_found_with_their_lines_at_every_level() -> None:
    text = "a: 1\nb:\n  c: 1\n  c: 2\n  d: [{e: 1, e: 2}]\na: 3\n"
    assert sorted(duplicate_keys(compose(text)), key=lambda d: d[1]) == [("c", 3), ("e", 4), ("a", 5)]


def test_merge_keys_and_distinct_tags_are_not_repeats() -> None:
    assert list(duplicate_keys(compose("base: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n  x: 2\nq: {'1': a, 1: b}\n"))) == []


def test_an_aliased_mapping_with_a_repeat_is_reported_once() -> None:
    assert list(duplicate_keys(compose("a: &a {k: 1, k: 2}\nb: *a\nc: *a\n"))) == [("k", 0)]


def test_alias_bomb_is_measured_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "\n".join(lines) + "\n"
    node = compose(text)
    assert expanded_size(node) == MAX_EXPANDED_NODES + 1
    assert is_bomb(text, node)
    small = "x: &a {b: 1}\ny: *a\n"
    assert not is_bomb(small, compose(small))


def test_size_limit_message() -> None:
    assert too_large("x: 1\n") is None
    message = too_large("x" * (32 * 1024 * 1024 + 1))
    assert message == "document of 33554433 bytes is larger than the 33554432 byte limit"
