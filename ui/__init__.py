"""Dashboard helpers: widgets <-> TrainConfig, URL state, Plotly figure builders, run records.

Layering: pages -> ui -> nncore. Figure builders (figures, regions) never import Streamlit.
"""
