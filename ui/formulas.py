"""The notes' formulas as LaTeX, each beside the current values (pure strings, no Streamlit)."""

from __future__ import annotations

import math


def tex_number(x: float) -> str:
    """5e-4 -> '5\\times10^{-4}', 0.02 -> '0.02', 0 -> '0'."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return r"\text{n/a}"
    if 1e-2 <= abs(x) < 1e4:
        return f"{x:.4g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa}\times{power}"


def formula_rows(config: dict, final: dict | None) -> list[tuple[str, str, str]]:
    """(title, general formula, the same with this run's numbers) for the formulas expander."""
    final = final or {}
    n = {k: tex_number(float(config[k])) for k in
         ("weight_l1", "weight_l2", "bias_l1", "bias_l2", "dropout", "learning_rate", "decay")}
    data, reg = final.get("data_loss", math.nan), final.get("reg_loss", math.nan)
    last_t = max(int(final.get("epochs_run", 0) or 0) - 1, 0)  # index of the last recorded epoch
    last_lr = final.get("learning_rate", math.nan)
    keep = 1 - float(config["dropout"])
    return [
        ("Total loss",
         r"L = L_{\text{data}} + L_{\text{reg}}",
         rf"{tex_number(data + reg)} = {tex_number(data)} + {tex_number(reg)}"),
        ("Regularisation loss (hidden layers)",
         r"L_{\text{reg}} = \lambda_1^{w}\sum|w| + \lambda_2^{w}\sum w^2"
         r" + \lambda_1^{b}\sum|b| + \lambda_2^{b}\sum b^2",
         rf"\lambda_1^{{w}}={n['weight_l1']},\ \lambda_2^{{w}}={n['weight_l2']},\ "
         rf"\lambda_1^{{b}}={n['bias_l1']},\ \lambda_2^{{b}}={n['bias_l2']}"),
        ("Its gradient (added to each weight's gradient)",
         r"\frac{\partial L_{\text{reg}}}{\partial w} = \lambda_1\,\operatorname{sign}(w)"
         r" + 2\lambda_2\,w",
         rf"= {n['weight_l1']}\,\operatorname{{sign}}(w) + "
         rf"{tex_number(2 * float(config['weight_l2']))}\,w"),
        ("Dropout (training only)",
         r"\text{mask}\sim\text{Bernoulli}(1-p),\quad"
         r" \text{out} = \frac{x\odot\text{mask}}{1-p}",
         rf"p = {n['dropout']}:\ \text{{keep }}{tex_number(keep)}\text{{ of units, scale by }}"
         rf"{tex_number(1 / keep) if keep > 0 else '-'}"),
        ("Learning-rate decay",
         r"\text{lr}_t = \frac{\text{lr}_0}{1 + \text{decay}\cdot t}",
         rf"\text{{lr}}_{{{last_t}}} = \frac{{{n['learning_rate']}}}{{1 + {n['decay']}\cdot "
         rf"{last_t}}} \approx {tex_number(last_lr)}"),
    ]
