"""Datasets: shapes, classes, seeding, noise, independent validation; CSV parsing errors."""

import dataclasses

import numpy as np
import pytest

from nncore import CsvError, TrainConfig, load_csv, make_dataset, split_dataset, train


@pytest.mark.parametrize("name,classes", [("spiral", 3), ("vertical", 4), ("moons", 2),
                                          ("circles", 3), ("xor", 2), ("blobs", 5)])
def test_each_dataset_has_the_asked_shape_and_classes(name, classes):
    cfg = TrainConfig(dataset=name, classes=classes, samples=30, val_samples=20)
    d = make_dataset(cfg)
    assert d.X.shape == (30 * classes, 2) and d.X_val.shape == (20 * classes, 2)
    assert np.bincount(d.y).tolist() == [30] * classes
    assert np.bincount(d.y_val).tolist() == [20] * classes
    assert np.all(np.isfinite(d.X)) and d.classes == classes
    assert not np.array_equal(d.X[:20], d.X_val[:20])  # validation is its own draw
    again = make_dataset(cfg)
    assert np.array_equal(d.X, again.X) and np.array_equal(d.X_val, again.X_val)


def test_noise_adds_to_the_same_points():
    base = TrainConfig(dataset="blobs", samples=50)
    clean, noisy = make_dataset(base), make_dataset(dataclasses.replace(base, noise=0.3))
    diff = noisy.X - clean.X
    assert np.std(diff) == pytest.approx(0.3, rel=0.15)
    assert np.array_equal(clean.y, noisy.y)


def test_validation_set_does_not_depend_on_training_size():
    a = make_dataset(TrainConfig(samples=50))
    b = make_dataset(TrainConfig(samples=500))
    assert np.array_equal(a.X_val, b.X_val)


def test_csv_dataset_needs_data():
    with pytest.raises(ValueError, match="csv"):
        make_dataset(TrainConfig(dataset="csv"))


def test_load_csv_with_header_remaps_labels_and_trains():
    rows = "\n".join(f"{np.cos(i):.3f},{np.sin(i):.3f},{7 if i % 2 else 3}" for i in range(40))
    X, y = load_csv(("x1,x2,label\n" + rows).encode())
    assert X.shape == (40, 2) and set(y) == {0, 1}
    data = split_dataset(X, y, 0.25, seed=0)
    assert len(data.y_val) == 10 and len(data.y) == 30 and data.classes == 2
    h = train(TrainConfig(dataset="csv", epochs=20), data)
    assert h.status == "completed" and h.n == 20


BAD = [
    (b"", "no data rows"),
    (b"x1,x2,label\n", "no data rows"),
    (b"1,2\n3,4\n", "row 1 has 2 columns; expected 3"),
    (b"1,2,0,9\n", "row 1 has 4 columns"),
    (b"1,abc,0\n2,2,1\n", "row 1: x2 is 'abc', not a number"),
    (b"1,nan,0\n2,2,1\n", "only finite numbers"),
    (b"1,2,inf\n", "only finite numbers"),
    (b"1e300,2,0\n2,2,1\n", "coordinates must be between -1,000,000 and 1,000,000"),
    (b"1,-2000000,0\n2,2,1\n", "row 1: x2 is '-2000000'"),
    (b"1,2,0\n3,4,0\n", "at least 2 classes"),
    (b"1,2,0.5\n2,2,1\n", "whole numbers"),
    (b"\x00\x01\x02\x03binary", "binary"),
    (b"\xff\xfe\xfa", "not UTF-8"),
    ("".join(f"{i},{i},{i}\n{i},{i},{i}\n" for i in range(11)).encode(), "at most 10"),
    (b"1,1,0\n2,2,0\n3,3,1\n", "class 1 has only 1 row"),
]


@pytest.mark.parametrize("content,message", BAD)
def test_load_csv_rejects_each_malformed_file_clearly(content, message):
    with pytest.raises(CsvError, match=message):
        load_csv(content)


def test_load_csv_row_limit():
    content = "".join(f"{i},{i},{i % 2}\n" for i in range(101)).encode()
    with pytest.raises(CsvError, match="101 rows; at most 100"):
        load_csv(content, max_rows=100)
    assert load_csv(content, max_rows=101)[0].shape == (101, 2)


def test_csv_error_is_a_value_error():
    assert issubclass(CsvError, ValueError)
