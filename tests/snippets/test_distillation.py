"""Tests for snippets/distillation.py: the Hinton et al. loss and its gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.distillation import distillation_loss, distillation_loss_grad
from snippets.label_smoothing import smoothed_cross_entropy


def reference(student, teacher, labels, temperature, soft_weight):
    """The formula term by term, with an explicit softmax, in float64."""

    def probs(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    p_true = np.take_along_axis(probs(student), labels[..., None], axis=-1)[..., 0]
    hard = -np.log(p_true).mean()
    q, p = probs(teacher / temperature), probs(student / temperature)
    kl = (q * np.log(q / p)).sum(axis=-1).mean()
    return (1 - soft_weight) * hard + soft_weight * temperature**2 * kl


def problem(seed: int, shape=(6,), k: int = 5):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(scale=2, size=shape + (k,)),
        rng.normal(scale=2, size=shape + (k,)),
        rng.integers(0, k, size=shape),
    )


@pytest.mark.parametrize("shape", [(6,), (2, 3)])
@pytest.mark.parametrize(
    ("temperature", "soft_weight"), [(1.0, 0.5), (4.0, 0.9), (0.5, 0.3)]
)
def test_matches_formula(shape, temperature, soft_weight):
    student, teacher, labels = problem(0, shape)
    got = distillation_loss(student, teacher, labels, temperature, soft_weight)
    assert got == pytest.approx(
        reference(student, teacher, labels, temperature, soft_weight), rel=1e-12
    )


def test_soft_weight_zero_is_cross_entropy():
    student, teacher, labels = problem(1)
    assert distillation_loss(student, teacher, labels, 3.0, 0.0) == pytest.approx(
        smoothed_cross_entropy(student, labels), rel=1e-14
    )


def test_student_equal_to_teacher_has_no_soft_loss():
    student, _, labels = problem(2)
    assert distillation_loss(student, student, labels, 2.0, 1.0) == pytest.approx(
        0.0, abs=1e-14
    )
    np.testing.assert_allclose(
        distillation_loss_grad(student, student, labels, 2.0, 1.0), 0.0, atol=1e-15
    )


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    temperature=st.floats(0.3, 10.0),
    soft_weight=st.floats(0.0, 1.0),
)
def test_soft_term_is_never_negative(seed, temperature, soft_weight):
    student, teacher, labels = problem(seed)
    hard = smoothed_cross_entropy(student, labels)
    assert (
        distillation_loss(student, teacher, labels, temperature, soft_weight)
        >= (1 - soft_weight) * hard - 1e-12
    )


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    temperature=st.floats(0.3, 10.0),
    soft_weight=st.floats(0.0, 1.0),
)
def test_gradient_matches_finite_differences(seed, temperature, soft_weight):
    student, teacher, labels = problem(seed, (2, 2), 4)
    analytic = distillation_loss_grad(
        student, teacher, labels, temperature, soft_weight
    )
    numeric = np.zeros_like(student)
    h = 1e-6
    for index in np.ndindex(student.shape):
        step = np.zeros_like(student)
        step[index] = h
        up = distillation_loss(
            student + step, teacher, labels, temperature, soft_weight
        )
        down = distillation_loss(
            student - step, teacher, labels, temperature, soft_weight
        )
        numeric[index] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_high_temperature_approaches_logit_matching():
    # Hinton et al.: at high T with zero-mean logits, T^2 * dKL/dz_s -> (z_s - z_t) / K per position.
    student, teacher, labels = problem(3, (4,), 6)
    student -= student.mean(axis=-1, keepdims=True)
    teacher -= teacher.mean(axis=-1, keepdims=True)
    matching = (student - teacher) / (6 * 4)  # divided by K = 6 and by the batch size 4
    errors = [
        np.abs(
            distillation_loss_grad(student, teacher, labels, t, 1.0) - matching
        ).max()
        for t in (10.0, 100.0, 1000.0)
    ]
    # The gap shrinks like 1/T.
    assert errors[0] > 5 * errors[1] > 25 * errors[2]
    assert errors[2] < 1e-2 * np.abs(matching).max()


def test_float32_is_preserved():
    student, teacher, labels = problem(4)
    student, teacher = student.astype(np.float32), teacher.astype(np.float32)
    assert distillation_loss(student, teacher, labels, 2.0, 0.5).dtype == np.float32
    assert (
        distillation_loss_grad(student, teacher, labels, 2.0, 0.5).dtype == np.float32
    )


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_temperature_must_be_positive(temperature):
    student, teacher, labels = problem(5)
    for call in (distillation_loss, distillation_loss_grad):
        with pytest.raises(
            ValueError,
            match=rf"temperature must be a finite number > 0, got {temperature}",
        ):
            call(student, teacher, labels, temperature, 0.5)


@pytest.mark.parametrize("soft_weight", [-0.5, 1.01])
def test_soft_weight_range(soft_weight):
    student, teacher, labels = problem(6)
    with pytest.raises(
        ValueError, match=rf"soft_weight must lie in \[0, 1\], got {soft_weight}"
    ):
        distillation_loss(student, teacher, labels, 2.0, soft_weight)


def test_shapes_and_values():
    student, teacher, labels = problem(7)
    with pytest.raises(
        ValueError,
        match=r"teacher_logits must have the shape of student_logits \(6, 5\), got \(6, 4\)",
    ):
        distillation_loss(student, teacher[:, :4], labels, 2.0, 0.5)
    with pytest.raises(
        ValueError, match=r"labels must have shape \(6,\) .* got \(5,\)"
    ):
        distillation_loss(student, teacher, labels[:5], 2.0, 0.5)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 5\), got 7"):
        distillation_loss_grad(student, teacher, np.full(6, 7), 2.0, 0.5)
    teacher[2, 3] = np.nan
    with pytest.raises(
        ValueError, match=r"teacher_logits must be finite, got nan at index \(2, 3\)"
    ):
        distillation_loss(student, teacher, labels, 2.0, 0.5)
    student[0, 0] = -np.inf
    with pytest.raises(
        ValueError, match=r"student_logits must be finite, got -inf at index \(0, 0\)"
    ):
        distillation_loss_grad(student, teacher, labels, 2.0, 0.5)
    with pytest.raises(
        ValueError,
        match=r"student_logits must have at least 2 classes on the last axis",
    ):
        distillation_loss(
            np.zeros((2, 1)), np.zeros((2, 1)), np.zeros(2, dtype=int), 2.0, 0.5
        )
    with pytest.raises(
        ValueError,
        match=r"^teacher_logits must have at least 2 classes on the last axis, "
        r"got shape \(2, 1\)$",
    ):
        distillation_loss_grad(
            np.zeros((2, 3)), np.zeros((2, 1)), np.zeros(2, dtype=int), 2.0, 0.5
        )
