"""Speed benchmarks: nncore against a book-style reference (run with `python -m benchmarks...`)."""
