"""Dashboard helpers: widgets <-> TrainConfig, URL state, the live loop, run records.

Layering: pages -> ui -> {workers, nncore}. The chart builders (ui/charts/: numbers in, a
Vega-Lite spec out) never import Streamlit; ui/canvas.py draws their specs into the page.
"""
