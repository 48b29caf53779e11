"""Formulas & help: what each control does, the notes' formulas, how to read the charts."""

import streamlit as st

from ui import fields, formulas, session, teaching
from ui.legacy_pages import leave_legacy_pages_mode

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

st.title("Formulas & help")
st.markdown(
    "The network is trained from scratch in NumPy on 2-D points: Dense → ReLU (→ Dropout) "
    "blocks, a Dense output layer and softmax with cross-entropy, full batch. "
    "Every change in the sidebar retrains it; the **Playground** shows what happened.")

st.subheader("The formulas of the notes")
config, _ = session.sidebar_config()
values = config.to_dict() if config is not None else st.session_state["cfg_last_good"]
for title, general, _numbers in formulas.formula_rows(values, None):
    st.markdown(f"**{title}**")
    st.latex(general)

st.subheader("Reading the charts")
st.markdown(
    "- **Loss**: the blue band is the data loss (cross-entropy), the orange band stacked on it "
    "the regularisation loss; the black line on top is their sum, the total loss the "
    "optimiser minimises (except with AdamW, whose decay is applied outside the loss: there "
    "the sum is shown, not minimised). The dashed red line is the validation loss (data loss "
    "only, like the notes); its lowest point is marked. A spike far above the rest is cut "
    "off at the top (hover for its value).\n"
    + teaching.ACCURACY + "\n"
    "- **Regularisation loss (own scale)**: the same orange band alone, so it can be read when "
    "it is a hairline on the loss chart, with its share of the total at the last epoch.\n"
    "- **Decision regions**: colour = the class the model predicts, intensity = how sure it "
    "is. Dots are training points, the smaller, lighter diamonds validation points. One unit "
    "of x₁ is as long as one of x₂.\n"
    + teaching.WEIGHTS + "\n"
    "- **Run log**: every finished run of this session and what changed since the one before; "
    "download it as CSV to compare.")

st.subheader("Every control")
st.table({"control": [c.label for c in fields.CONTROLS],
          "what it does": [c.help for c in fields.CONTROLS]})
