"""The labs' NumPy MLP: backprop matches finite differences, and training is deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from snippets.label_smoothing import smoothed_cross_entropy
from snippets.mlp import MLP, distillation_objective, smoothed_objective, train


def _loss_of_params(model: MLP, x, objective) -> float:
    return objective(model.forward(x), np.arange(len(x)))[0]


@pytest.mark.parametrize("sizes", [(5, 4), (5, 7, 4), (5, 6, 3, 4)])
@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_backprop_matches_central_differences(sizes, alpha):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((9, sizes[0]))
    y = rng.integers(0, sizes[-1], size=9)
    model = MLP.init(sizes, seed=1)
    for b in model.biases:  # non-zero biases so ReLU kinks are not hit exactly
        b += rng.normal(scale=0.1, size=b.shape)
    objective = smoothed_objective(y, alpha)
    logits, acts = model.forward_with_activations(x)
    _, dlogits = objective(logits, np.arange(len(x)))
    grads_w, grads_b = model.backward(acts, dlogits)
    eps = 1e-6
    for param, grad in zip(model.parameters(), [*grads_w, *grads_b]):
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            up = _loss_of_params(model, x, objective)
            param[index] = saved - eps
            down = _loss_of_params(model, x, objective)
            param[index] = saved
            numeric[index] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_distillation_objective_gradient_matches_central_differences():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 5))
    teacher = rng.standard_normal((6, 5)) * 3
    labels = rng.integers(0, 5, size=6)
    objective = distillation_objective(labels, teacher, temperature=2.0, soft_weight=0.7)
    idx = np.arange(6)
    _, grad = objective(logits, idx)
    eps = 1e-6
    numeric = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (objective(up, idx)[0] - objective(down, idx)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


def _train_once(seed: int, batch_size=None):
    rng = np.random.default_rng(42)
    x = rng.standard_normal((40, 6))
    y = (x[:, 0] > 0).astype(np.int64) + 2 * (x[:, 1] > 0)
    model = MLP.init((6, 16, 4), seed=seed)
    history = train(model, x, smoothed_objective(y, 0.1), epochs=30, batch_size=batch_size, lr=1e-2, seed=seed)
    return model, history, x, y


@pytest.mark.parametrize("batch_size", [None, 8])
def test_training_is_deterministic_for_a_seed(batch_size):
    m1, h1, _, _ = _train_once(0, batch_size)
    m2, h2, _, _ = _train_once(0, batch_size)
    m3, _, _, _ = _train_once(1, batch_size)
    assert h1 == h2
    for a, b in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(m1.weights[0], m3.weights[0])


def test_training_lowers_the_loss_and_history_is_per_epoch():
    model, history, x, y = _train_once(0)
    assert len(history) == 30
    assert history[-1] < 0.5 * history[0]
    assert smoothed_cross_entropy(model.forward(x), y, 0.1) < history[0]


def test_on_epoch_callback_sees_every_epoch_and_the_live_model():
    seen = []
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 3))
    y = rng.integers(0, 2, size=10)
    model = MLP.init((3, 4, 2), seed=0)
    train(model, x, smoothed_objective(y, 0.0), epochs=3, on_epoch=lambda e, m: seen.append((e, m is model)))
    assert seen == [(1, True), (2, True), (3, True)]


def test_penultimate_and_templates_compose_to_the_logits():
    model = MLP.init((4, 5, 3), seed=2)
    x = np.random.default_rng(1).standard_normal((7, 4))
    np.testing.assert_allclose(model.penultimate(x) @ model.templates + model.biases[-1], model.forward(x))
    assert model.templates.shape == (5, 3)
    assert (model.penultimate(x) >= 0).all()  # ReLU features


def test_copy_is_independent():
    model = MLP.init((3, 4, 2), seed=0)
    clone = model.copy()
    clone.weights[0][0, 0] += 1.0
    assert model.weights[0][0, 0] != clone.weights[0][0, 0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"epochs": 0}, "epochs must be >= 1, got 0"), ({"epochs": 1, "batch_size": 0}, "batch_size must be >= 1, got 0")],
)
def test_train_rejects_bad_arguments(kwargs, message):
    model = MLP.init((2, 2), seed=0)
    with pytest.raises(ValueError, match=message):
        train(model, np.zeros((3, 2)), smoothed_objective(np.zeros(3, dtype=np.int64), 0.0), **kwargs)


def test_init_rejects_bad_sizes():
    with pytest.raises(ValueError, match="sizes must list at least two positive layer widths"):
        MLP.init((3,), seed=0)


def test_distillation_objective_checks_rows():
    with pytest.raises(ValueError, match="teacher_logits has 2 rows but labels has 3"):
        distillation_objective(np.zeros(3, dtype=np.int64), np.zeros((2, 4)), temperature=1.0, soft_weight=0.5)
