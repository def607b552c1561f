"""Lab data: the digits split is deterministic and stratified; label noise is symmetric."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.datasets import load_digits_split, subsample_per_class, symmetric_label_noise, synthetic_logits


def test_digits_split_is_deterministic_disjoint_and_complete():
    a = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
    b = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    total = len(a.y_train) + len(a.y_val) + len(a.y_test)
    assert total == 1797
    rows = {tuple(r) for r in np.concatenate([a.x_train, a.x_val, a.x_test])}
    assert len(rows) > 1700  # (a few digits images are exact duplicates in the data set itself)
    assert a.x_train.min() >= 0.0 and a.x_train.max() <= 1.0
    assert a.num_features == 64 and a.num_classes == 10


def test_digits_split_is_stratified():
    split = load_digits_split(val_fraction=0.2, test_fraction=0.4, seed=0)
    for labels, fraction in ((split.y_train, 0.4), (split.y_val, 0.2), (split.y_test, 0.4)):
        counts = np.bincount(labels, minlength=10)
        assert np.all(np.abs(counts - fraction * 180) <= 3), counts


def test_digits_split_seed_changes_the_split():
    a, b = load_digits_split(seed=0), load_digits_split(seed=1)
    assert not np.array_equal(a.y_train, b.y_train)


def test_bad_fractions_raise():
    with pytest.raises(ValueError, match="val_fraction=0.5 and test_fraction=0.6"):
        load_digits_split(val_fraction=0.5, test_fraction=0.6)


def test_subsample_per_class_is_balanced_and_deterministic():
    labels = np.repeat(np.arange(4), 10)
    idx = subsample_per_class(labels, 3, seed=5)
    assert np.array_equal(np.bincount(labels[idx]), [3, 3, 3, 3])
    assert np.array_equal(idx, subsample_per_class(labels, 3, seed=5))
    assert len(set(idx.tolist())) == 12
    with pytest.raises(ValueError, match="class 0 has only 10 examples, per_class=11"):
        subsample_per_class(labels, 11, seed=0)


def test_symmetric_noise_flips_to_other_classes_at_the_given_rate():
    labels = np.tile(np.arange(10), 2000)
    noisy, flipped = symmetric_label_noise(labels, 10, 0.3, seed=0)
    assert np.all(noisy[flipped] != labels[flipped])
    assert np.array_equal(noisy[~flipped], labels[~flipped])
    assert abs(flipped.mean() - 0.3) < 0.02
    # Flipped labels are uniform over the other 9 classes.
    offsets = (noisy[flipped] - labels[flipped]) % 10
    counts = np.bincount(offsets, minlength=10)
    assert counts[0] == 0 and counts[1:].min() > 0.8 * counts[1:].mean()


def test_noise_rate_zero_and_errors():
    labels = np.arange(10)
    noisy, flipped = symmetric_label_noise(labels, 10, 0.0, seed=0)
    assert np.array_equal(noisy, labels) and not flipped.any()
    with pytest.raises(ValueError, match="rate must be in \\[0, 1\\], got 1.5"):
        symmetric_label_noise(labels, 10, 1.5, seed=0)
    with pytest.raises(ValueError, match="num_classes must be >= 2, got 1"):
        symmetric_label_noise(labels, 1, 0.1, seed=0)


def test_synthetic_logits_shapes_and_dtype():
    logits, labels = synthetic_logits(5, 7, seed=0)
    assert logits.shape == (5, 7) and logits.dtype == np.float32
    assert labels.shape == (5,) and labels.min() >= 0 and labels.max() < 7
