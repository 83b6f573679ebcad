"""A batch is cut into model passes of texts of similar length, so short texts are not padded to long ones."""

from __future__ import annotations

import pytest

from assistant.adapters.onnx_export import length_groups


def test_texts_of_one_length_share_one_pass():
    assert length_groups([20, 20, 20, 20]) == [[0, 1, 2, 3]]


def test_short_clauses_get_their_own_pass_when_padding_them_costs_more_than_a_pass():
    # four 22-token questions and four 9-token clauses: padding the clauses wastes 52 token rows
    groups = length_groups([22, 9, 22, 9, 22, 9, 22, 9], overhead=14)
    assert groups == [[1, 3, 5, 7], [0, 2, 4, 6]]


def test_a_few_tokens_of_padding_are_cheaper_than_another_pass():
    assert length_groups([21, 22, 20, 22], overhead=14) == [[2, 0, 1, 3]]


@pytest.mark.parametrize("lengths", [[], [5], [30, 3, 17, 17, 8, 64, 2, 40]])
def test_every_text_is_in_exactly_one_pass(lengths):
    groups = length_groups(lengths)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert all(groups)
