"""Every chart is built here, one module per subject: numbers in, a Vega-Lite spec out."""
