"""The server's one set of training slots (workers.slots), made once per process and shared."""

from __future__ import annotations

import streamlit as st

from workers.slots import TrainingSlots, one_blas_thread, slot_count
from workers.worker import Trainer


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """The server's one set of training slots (one worker process each), shared by every
    session; made with the server's BLAS limited to one thread. The workers end with the
    server (their pipe closes: workers.worker)."""
    one_blas_thread()
    return TrainingSlots(slot_count(), make=Trainer)
