# %% tags=["figure:curve", "fold"]
import matplotlib.pyplot as plt

from snippets.plotting import show, show_results, use_lab_style

use_lab_style()
fig, ax = plt.subplots(figsize=(4, 2))
ax.plot([0, 1], [1, 0])
show(fig)

# %% tags=["results"]
show_results({"value": 0.75})
