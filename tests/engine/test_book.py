"""The notes' results reproduced within their spread (full-length runs: ~10 s together).

Spread measured over seeds 0-5 (see the issue-2 note): chapter 15 validation accuracy
0.70-0.78, reg loss 0.017-0.021, train accuracy (with dropout) 0.68-0.70; the book printed
0.753 / 0.692 for validation accuracy / loss. The runs come from the session's shared
`preset_run` (conftest.py).
"""


def test_book_ch15_reproduces_the_notes(preset_run):
    final = preset_run("book-ch15").final()
    assert final["epochs_run"] == 10001
    assert 0.68 <= final["val_accuracy"] <= 0.82
    assert 0.55 <= final["val_loss"] <= 0.75
    assert 0.01 <= final["reg_loss"] <= 0.03
    assert 0.65 <= final["accuracy"] <= 0.75
    assert final["learning_rate"] == 0.05 / (1 + 5e-5 * 10000)


def test_book_ch14_fits_the_training_set(preset_run):
    final = preset_run("book-ch14").final()
    assert final["accuracy"] > 0.9
    assert 0.75 <= final["val_accuracy"] <= 0.9  # the book: 0.83-0.84
