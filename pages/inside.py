"""Inside the network: what each first-layer unit learned, each layer's weights, and how the
weights' size moved while the Playground's last run trained (and the pinned run's beside it)."""

import streamlit as st

from ui import canvas, compare
from ui.charts import network
from ui.legacy_pages import leave_legacy_pages_mode
from ui.runs import NEAR_ZERO

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

result = st.session_state.get("pg_result")
view = result["view"] if result else None
extras = getattr(view, "extras", None)
if extras is None:
    st.info("Train a run in the **Playground** first: this page shows what that run's network "
            "learned (a run still training, or stopped, shows here once it has finished).",
            icon=":material/neurology:")
    st.stop()

pin = compare.pinned()
runs = [("This run", view)] + ([("Pinned run", pin)] if getattr(pin, "extras", None) else [])
st.caption("The Playground's last finished run" + (" and the pinned run, side by side."
                                                   if len(runs) > 1 else "."))

st.subheader("What the first hidden layer's units respond to")
for column, (name, shown) in zip(st.columns(len(runs)), runs, strict=True):
    units = shown.extras.units
    if units is None:
        column.warning(f"{name}: the model diverged; no unit maps.")
        continue
    column.image(network.mosaic(units), caption=f"{name}: " +
                 network.units_caption(units), width="stretch")

st.subheader("The weights of each layer")
st.caption(f"Symmetric-log axes fixed for every run; the centre bar is |w| < {NEAR_ZERO:g}. "
           "L1 piles the weights of the layers it regularises up there; the output layer is "
           "regularised only when the sidebar says so.")
for name, shown in runs:
    charts = network.layer_histograms(shown.extras)
    if len(runs) > 1:
        st.markdown(f"**{name}**")
    for i, (column, chart) in enumerate(zip(st.columns(len(charts)), charts, strict=True)):
        canvas.draw(column, chart, key=f"in_hist_{name}_{i}")

st.subheader("The weights' size over training")
for column, (name, shown) in zip(st.columns(len(runs)), runs, strict=True):
    canvas.draw(column, network.norm_chart(shown.extras, run=name), key=f"in_norm_{name}")
