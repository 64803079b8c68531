"""Optimizers with PyTorch's names, settings and exact update formulas.

They work on anything with ``.data`` and ``.grad``: Values (floats) and Tensors
(NumPy arrays) alike. Each step first computes every new value and only then
writes them, so an error part-way never leaves half the parameters updated. A
Tensor's new numbers are written into its array, as PyTorch's optimizers update
parameters in place: an array kept from ``p.data`` before a step shows the new
numbers (copy it to keep the old ones), and so do views of the parameter and the
tensor a Parameter was made from. An array that cannot be written (read-only) is
replaced instead.
Learning-rate schedules live in :mod:`autograd_mini.optim.lr_scheduler`, as in PyTorch.

The files, in reading order:

* ``optimizer.py``: the ``Optimizer`` base (parameter groups, state, ``zero_grad``,
  ``state_dict``) and the checks every step shares
* ``sgd.py``: ``SGD``; ``fast_sgd.py``: its short loop for the usual plain step
* ``adam.py``: ``Adam`` and ``AdamW``
* ``rmsprop.py``: ``RMSprop``; ``adagrad.py``: ``Adagrad``
* ``lr_scheduler.py``: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``, ``LambdaLR``
"""

from __future__ import annotations

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
