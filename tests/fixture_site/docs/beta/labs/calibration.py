# %% tags=["figure:curve", "fold"]
import matplotlib.pyplot as plt

from snippets.plotting import show_figure, show_results


def draw(variant):
    fig, ax = plt.subplots(figsize=(variant.width, 2))
    ax.plot([0, 1], [1, 0])
    return fig


show_figure(draw, alt="A line falling from 1 to 0")

# %% tags=["results"]
show_results({"value": 0.75})
