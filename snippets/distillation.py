"""Knowledge distillation in plain NumPy (Hinton, Vinyals & Dean 2015).

The loss mixes ordinary cross-entropy on the true labels with a KL term that
pulls the student's temperature-softened distribution towards the teacher's.
Classes lie on the last axis; any leading batch shape is allowed.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import (
    FloatArray,
    _check_finite,
    _check_logits,
    _softmax,
    log_softmax,
    smoothed_cross_entropy,
    smoothed_cross_entropy_grad,
)


def _check_temperature(temperature: float) -> float:
    """Return ``temperature`` as a float, or raise unless it is finite and > 0."""
    if not 0 < temperature < math.inf:  # written this way round so NaN fails too
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    return float(temperature)


def _check_soft_weight(soft_weight: float) -> float:
    """Return ``soft_weight`` as a float, or raise if it is outside [0, 1]."""
    if not 0.0 <= soft_weight <= 1.0:
        raise ValueError(f"soft_weight must lie in [0, 1], got {soft_weight}")
    return float(soft_weight)


def _check_pair(
    student_logits: npt.ArrayLike, teacher_logits: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Validate student and teacher logits: same shape, finite, K >= 2."""
    student = _check_logits(student_logits, "student_logits")
    teacher = _check_logits(teacher_logits, "teacher_logits")
    if teacher.shape != student.shape:
        raise ValueError(
            f"teacher_logits must have the shape of student_logits {student.shape}, got {teacher.shape}"
        )
    _check_finite(student, "student_logits")
    _check_finite(teacher, "teacher_logits")
    return student, teacher


# --8<-- [start:distillation_loss]
def distillation_loss(
    student_logits: npt.ArrayLike,
    teacher_logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    temperature: float,
    soft_weight: float,
) -> np.floating:
    """``(1 - λ) CE(y, softmax(z_s)) + λ T² KL(softmax(z_t / T) || softmax(z_s / T))``.

    The T² keeps the soft term's gradient, which shrinks like 1/T², on the same
    scale as the hard term's whatever the temperature (Hinton et al. 2015, Sec. 2).

    Parameters
    ----------
    student_logits, teacher_logits : array_like, shape (..., K)
        Finite logits of the model being trained and of the fixed teacher.
    labels : array_like of int, shape (...)
        True class indices in [0, K).
    temperature : float
        T > 0, applied to both teacher and student in the soft term only.
    soft_weight : float
        λ in [0, 1]: 0 is plain cross-entropy, 1 is pure distillation.

    Returns
    -------
    numpy floating scalar
        The loss averaged over every position of the batch.
    """
    student, teacher = _check_pair(student_logits, teacher_logits)
    temperature = _check_temperature(temperature)
    soft_weight = _check_soft_weight(soft_weight)

    hard = smoothed_cross_entropy(student, labels)  # CE with the true labels, at T = 1
    log_p_teacher = log_softmax(teacher / temperature)
    log_p_student = log_softmax(student / temperature)
    kl = np.sum(np.exp(log_p_teacher) * (log_p_teacher - log_p_student), axis=-1)
    return (1 - soft_weight) * hard + soft_weight * temperature**2 * kl.mean()
# --8<-- [end:distillation_loss]


# --8<-- [start:distillation_loss_grad]
def distillation_loss_grad(
    student_logits: npt.ArrayLike,
    teacher_logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    temperature: float,
    soft_weight: float,
) -> FloatArray:
    """Gradient of :func:`distillation_loss` with respect to the student's logits.

    The soft term's gradient is ``(1/T)(softmax(z_s/T) - softmax(z_t/T))`` per
    position; times T² that is ``T (softmax(z_s/T) - softmax(z_t/T))``.

    Parameters
    ----------
    student_logits, teacher_logits, labels, temperature, soft_weight
        As for :func:`distillation_loss`.

    Returns
    -------
    ndarray, shape (..., K)
        Same shape as ``student_logits``.
    """
    student, teacher = _check_pair(student_logits, teacher_logits)
    temperature = _check_temperature(temperature)
    soft_weight = _check_soft_weight(soft_weight)

    hard = smoothed_cross_entropy_grad(
        student, labels
    )  # already divided by the batch size
    positions = student.size // student.shape[-1]
    soft = (
        temperature
        * (_softmax(student / temperature) - _softmax(teacher / temperature))
        / positions
    )
    return (1 - soft_weight) * hard + soft_weight * soft
# --8<-- [end:distillation_loss_grad]
