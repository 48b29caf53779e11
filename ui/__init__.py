"""Dashboard helpers: widgets <-> TrainConfig, URL state, Plotly figure builders, run records.

Layering: pages -> ui -> {workers, nncore}. Figure builders (figures, regions) never import
Streamlit.
"""
