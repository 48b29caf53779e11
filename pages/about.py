"""Formulas & help: what each control does, the notes' formulas, how to read the charts."""

import streamlit as st

from ui import fields, formulas
from ui.legacy_pages import leave_legacy_pages_mode

leave_legacy_pages_mode()  # a deep link run in Streamlit's old pages mode: see the module

st.title("Formulas & help")
st.markdown(
    "The network is trained from scratch in NumPy on 2-D points: Dense → ReLU (→ Dropout) "
    "blocks, a Dense output layer and softmax with cross-entropy, full batch. "
    "Every change in the sidebar retrains it; the **Playground** shows what happened.")

st.subheader("The formulas of the notes")
config = st.session_state.get("cfg_config")
values = config.to_dict() if config is not None else st.session_state["cfg_last_good"]
for title, general, _numbers in formulas.formula_rows(values, None):
    st.markdown(f"**{title}**")
    st.latex(general)

st.subheader("Reading the charts")
st.markdown(
    "- **Loss**: the blue band is the data loss (cross-entropy), the orange band on top the "
    "regularisation loss; their top edge is the total loss the optimiser minimises. The dashed "
    "red line is the validation loss (data loss only, like the notes).\n"
    "- **Accuracy**: training accuracy is measured on the training pass with dropout on, "
    "so with dropout it sits below validation accuracy.\n"
    "- **Decision regions**: colour = the class the model predicts, intensity = how sure it is. "
    "Circles are training points, diamonds validation points.\n"
    "- **Weights**: L1 piles weights up at exactly 0; L2 shrinks them all a little.\n"
    "- **Run log**: every finished run of this session; download it as CSV to compare.")

st.subheader("Every control")
st.table({"control": [c.label for c in fields.CONTROLS],
          "what it does": [c.help for c in fields.CONTROLS]})
