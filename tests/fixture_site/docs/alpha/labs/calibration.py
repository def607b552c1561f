# %% tags=["figure:curve", "fold"]
import matplotlib.pyplot as plt

from snippets.plotting import show_figure, show_results


def draw(variant):
    fig, ax = plt.subplots(figsize=(variant.width, 2))
    ax.plot([0, 1], [0, 1])
    return fig


show_figure(draw, alt="A line rising from 0 to 1")

# %% tags=["results"]
show_results({"value": 0.25})
